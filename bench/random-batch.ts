/**
 * A training batch of seeded random data for a preset, for benchmarks that time whole training steps
 * (bench/train-step.bench.test.ts, bench/wasm-profile.ts, bench/cpu.ts, the GPU kit): a fresh network
 * (seed 1), inputs uniform in [−1, 1) and labels in {0, 1} (seed 2), NDHWC.
 */
import * as tf from '@tensorflow/tfjs';
import { createDualPathNet, type PresetName } from '../src/core/networks';
import type { TrainBatch } from '../src/core/engines/train-step';
import { Rng } from '../src/core/random';

/** `outputSize` defaults to the preset's own. */
export function randomTrainBatch(preset: PresetName, n: number, outputSize?: number) {
  const net = createDualPathNet({ preset, numClasses: 2, seed: 1 });
  const g = net.geometry(outputSize);
  const rng = new Rng(2);
  const rand = (len: number) => Float32Array.from({ length: len }, () => rng.uniform(-1, 1));
  const batch: TrainBatch = {
    full: tf.tensor5d(rand(n * g.fullInputSize ** 3), [n, g.fullInputSize, g.fullInputSize, g.fullInputSize, 1]),
    context: tf.tensor5d(rand(n * g.contextInputSize ** 3), [n, g.contextInputSize, g.contextInputSize, g.contextInputSize, 1]),
    labels: tf.tensor4d(Int32Array.from({ length: n * g.outputSize ** 3 }, () => rng.int(2)), [n, g.outputSize, g.outputSize, g.outputSize], 'int32'),
  };
  return { net, batch, geometry: g };
}
