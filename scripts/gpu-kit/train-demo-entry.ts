/** The GPU kit's bundle of the training CLI (src/cli/train-demo.ts), with Dawn loaded first. */
import './dawn-preload';
import '../../src/cli/train-demo';
