/**
 * Inverted dropout with a mask drawn from the seeded `Rng`, so a training run is reproducible from its seed:
 * each element is kept with probability 1 − rate and scaled by 1/(1 − rate). The mask is a constant, so
 * gradients flow through the kept elements only.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random';

/** A mask of `size` values, each 0 or 1/(1 − rate). */
export function dropoutMask(size: number, rate: number, rng: Rng): Float32Array {
  const keep = 1 / (1 - rate);
  const mask = new Float32Array(size);
  for (let i = 0; i < size; i++) mask[i] = rng.next() < rate ? 0 : keep;
  return mask;
}

export function dropout(x: tf.Tensor, rate: number, rng: Rng): tf.Tensor {
  if (rate <= 0) return x;
  return tf.mul(x, tf.tensor(dropoutMask(x.size, rate, rng), x.shape));
}
