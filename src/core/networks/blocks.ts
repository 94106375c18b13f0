/**
 * Forward pass of one path of the dual-path network: conv + BN + ReLU layers and residual blocks, all valid
 * convolutions on NDHWC tensors. Shortcuts are centre-cropped to the block output; when channels grow the
 * shortcut is widened with zero channels (a concat, never a 5-D `tf.pad`).
 */
import * as tf from '@tensorflow/tfjs';
import { batchNorm } from './batch-norm';
import { customOp } from '../kernels/common/custom-op';
import type { LayerSpec } from './architecture';
import type { ParameterSet } from './parameters';

export interface ForwardContext {
  params: ParameterSet;
  training: boolean;
  bnEpsilon: number;
  bnMomentum: number;
}

/** Valid convolution (3³ via conv3d, 1³ as a matrix product on the `[N·D·H·W, C]` view). */
export function convValid(x: tf.Tensor5D, w: tf.Tensor, kernel: 1 | 3): tf.Tensor5D {
  if (kernel === 3) return tf.conv3d(x, w as tf.Tensor5D, 1, 'valid');
  const [n, d, h, wd, c] = x.shape;
  const cout = w.shape[w.shape.length - 1];
  const y = tf.matMul(tf.reshape(x, [n * d * h * wd, c]), tf.reshape(w, [c, cout]));
  return tf.reshape(y, [n, d, h, wd, cout]);
}

/** conv → batch norm (→ ReLU when `relu`). */
export function convBn(x: tf.Tensor5D, layer: LayerSpec, ctx: ForwardContext, relu: boolean): tf.Tensor5D {
  const { params } = ctx;
  const y = convValid(x, params.get(layer.name, 'weight'), layer.kernel);
  const z = batchNorm(
    y,
    {
      gamma: params.get(layer.name, 'gamma'),
      beta: params.get(layer.name, 'beta'),
      runningMean: params.get(layer.name, 'runningMean'),
      runningVar: params.get(layer.name, 'runningVar'),
    },
    { training: ctx.training, epsilon: ctx.bnEpsilon, momentum: ctx.training ? ctx.bnMomentum : 0 },
  ) as tf.Tensor5D;
  return relu ? tf.relu(z) : z;
}

/**
 * Zero-pads D, H and W of an NDHWC tensor by `by` on each side without a 5-D `tf.pad` (which tfjs 4.22
 * miscompiles on WebGPU): H and W on the 4-D view `[N·D, H, W, C]`, then D on the 3-D view `[N, D, ·]`.
 */
export function padSpatial(x: tf.Tensor5D, by: number): tf.Tensor5D {
  const [n, d, h, w, c] = x.shape;
  const hw = tf.pad(tf.reshape(x, [n * d, h, w, c]), [[0, 0], [by, by], [by, by], [0, 0]]);
  const dd = tf.pad(tf.reshape(hw, [n, d, (h + 2 * by) * (w + 2 * by) * c]), [[0, 0], [by, by], [0, 0]]);
  return tf.reshape(dd, [n, d + 2 * by, h + 2 * by, w + 2 * by, c]);
}

/** Centre crop of `by` voxels on each side of D, H and W; its gradient pads with `padSpatial`. */
export function centreCrop(x: tf.Tensor5D, by: number): tf.Tensor5D {
  if (by === 0) return x;
  return customOp([x], ([input]) => {
    const [n, d, h, w, c] = input.shape;
    const value = tf.slice(input, [0, by, by, by, 0], [n, d - 2 * by, h - 2 * by, w - 2 * by, c]);
    return { value, gradFunc: (dy: tf.Tensor) => [padSpatial(dy as tf.Tensor5D, by)] };
  }) as tf.Tensor5D;
}

/** The shortcut matched to `like`: centre-cropped, and widened with zero channels if `like` has more. */
export function matchShortcut(x: tf.Tensor5D, like: tf.Tensor5D): tf.Tensor5D {
  const crop = (x.shape[1] - like.shape[1]) / 2;
  const s = centreCrop(x, crop);
  const extra = like.shape[4] - x.shape[4];
  if (extra === 0) return s;
  return tf.concat([s, tf.zeros([s.shape[0], s.shape[1], s.shape[2], s.shape[3], extra])], 4);
}

/** A residual block given its layers (2 for standard, 3 for bottleneck): ReLU(layers(x) + shortcut(x)). */
export function residualBlock(x: tf.Tensor5D, layers: LayerSpec[], ctx: ForwardContext): tf.Tensor5D {
  let h = x;
  layers.forEach((l, i) => {
    h = convBn(h, l, ctx, i < layers.length - 1);
  });
  return tf.relu(tf.add<tf.Tensor5D>(h, matchShortcut(x, h)));
}

/**
 * One path: the stem (first layer) then residual blocks, grouped by the "<path>/b<i>/" prefix of the layer
 * names. Input `[N, S, S, S, 1]`, output `[N, S − 2r, …, C]`.
 */
export function pathForward(x: tf.Tensor5D, layers: LayerSpec[], ctx: ForwardContext): tf.Tensor5D {
  let h = convBn(x, layers[0], ctx, true);
  let i = 1;
  while (i < layers.length) {
    const prefix = blockPrefix(layers[i].name);
    const group: LayerSpec[] = [];
    while (i < layers.length && blockPrefix(layers[i].name) === prefix) group.push(layers[i++]);
    h = residualBlock(h, group, ctx);
  }
  return h;
}

function blockPrefix(name: string): string {
  return name.slice(0, name.lastIndexOf('/'));
}
