import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, it } from 'vitest';
import { webgpuForTests } from '../../testing/gpu';
import { sumLastAxis, sumMiddleAxis } from './reductions';
import { expectMatchesBuiltin } from '../../testing/grad-check';

const cases = [
  { name: 'sumLastAxis', f: (x: tf.Tensor) => sumLastAxis(x as tf.Tensor2D), shape: [1200, 3], out: [1200, 1] },
  { name: 'sumMiddleAxis', f: (x: tf.Tensor) => sumMiddleAxis(x as tf.Tensor3D), shape: [2, 700, 3], out: [2, 1, 3] },
];

describe('loss reductions: WebGPU against tfjs built-ins on the CPU (tolerance 1e-5 relative)', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  const builtin: Record<string, (x: tf.Tensor) => tf.Tensor> = {
    sumLastAxis: (x) => tf.sum(x, 1, true),
    sumMiddleAxis: (x) => tf.sum(x, 1, true),
  };

  it.each(cases)('$name $shape', async ({ name, f, shape, out }) => {
    await expectMatchesBuiltin(await webgpuForTests(), { name, f, builtin: builtin[name], shape, out });
  });
});
