/**
 * A fully connected layer on the `[M, Cin]` view of NDHWC features (a 1×1×1 convolution): y = h·W + b.
 * The gradient is written out so that the bias gradient is a matrix product with a row of ones rather than
 * tfjs's generic broadcast reduction, which is slow on WebGPU.
 */
import * as tf from '@tensorflow/tfjs';
import { channelSum } from './batch-norm';
import { customOp } from '../kernels/common/custom-op';

/** `h` `[M, Cin]`, `w` `[Cin, Cout]`, `b` `[Cout]` → `[M, Cout]`. */
export function dense(h: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  const y = customOp([h, w, b], ([x, weight, bias], save) => {
    save([x, weight]);
    const value = tf.add(tf.matMul(x as tf.Tensor2D, weight as tf.Tensor2D), bias);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as tf.Tensor2D[];
      const d = dy as tf.Tensor2D;
      return [tf.matMul(d, ws, false, true), tf.matMul(xs, d, true, false), tf.reshape(channelSum(d), bias.shape)];
    };
    return { value, gradFunc };
  });
  return y as tf.Tensor2D;
}
