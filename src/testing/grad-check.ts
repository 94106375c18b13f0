/** Helpers for tests that compare an op's values and gradients across backends. */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../core/random';

/** `n` values uniform in [−scale, scale), reproducible from `seed`. */
export function randomValues(n: number, seed: number, scale = 3): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-scale, scale));
}

/** Values and gradients (of Σ r · f(x)) of one op, on the current backend. */
export async function valuesAndGradient(f: (x: tf.Tensor) => tf.Tensor, x: Float32Array, shape: number[], r: Float32Array, outShape: number[]) {
  const xT = tf.tensor(x, shape);
  const rT = tf.tensor(r, outShape);
  const y = f(xT);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), rT)))(xT);
  const out = { y: Array.from(await y.data()), g: Array.from(await g.data()) };
  tf.dispose([xT, rT, y, g]);
  return out;
}
