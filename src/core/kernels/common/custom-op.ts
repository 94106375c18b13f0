/**
 * A typed wrapper over `tf.customGrad`: runs `f` on `inputs` (the forward pass is not taped) and uses its
 * `gradFunc` for the backward pass, which returns one gradient per input.
 */
import * as tf from '@tensorflow/tfjs';

export type CustomOpBody = (
  inputs: tf.Tensor[],
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

export function customOp(inputs: tf.Tensor[], f: CustomOpBody): tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    return f(args.slice(0, -1) as tf.Tensor[], save);
  });
  return op(...inputs);
}
