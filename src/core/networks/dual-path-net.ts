/**
 * The dual-path 3-D CNN (docs/DESIGN.md "Geometry of a training patch").
 *
 * Inputs (NDHWC, one channel): `full` `[N, O+2r_f, O+2r_f, O+2r_f, 1]` at training resolution and `context`
 * `[N, O/4+2r_c, …, 1]`, the same region box-averaged by 4. Each path is valid convolutions with residual
 * blocks; the context output `[N, O/4, …, Cc]` is upsampled ×4 (nearest) and concatenated with the full path's
 * `[N, O, O, O, Cf]`; then 1×1×1 fully connected layers (matrix products on the `[N·O³, C]` view), each after
 * dropout in training, with ReLU between. Output: logits `[N, O, O, O, K]`.
 */
import * as tf from '@tensorflow/tfjs';
import { WorkbenchError } from '../errors';
import { Rng } from '../random';
import {
  allLayers, CONTEXT_FACTOR, halfReceptiveField, headLayers, layerParameters, pathLayers, patchGeometry, receptiveField,
  type LayerSpec, type PatchGeometry,
} from './architecture';
import { pathForward, type ForwardContext } from './blocks';
import { dense } from './dense';
import { dropout } from '../kernels/dropout/dropout.kernel';
import { createParameters, ParameterSet } from './parameters';
import { presetConfig, type NetConfig, type PresetName } from './presets';
import { softmaxRows } from './softmax';
import { upsampleNearest3d } from './upsample';

export interface DualPathInputs {
  full: tf.Tensor5D;
  context: tf.Tensor5D;
}

export interface LayerRow {
  name: string;
  path: LayerSpec['path'];
  kind: LayerSpec['kind'];
  kernel: number;
  inChannels: number;
  outChannels: number;
  parameters: number;
  /** Half receptive field of the path after this layer, in the path's own voxels (0 for the head). */
  r: number;
}

export interface NetSummary {
  preset: PresetName;
  numClasses: number;
  /** Trainable parameters (weights, biases, batch-norm γ and β; not the running averages). */
  parameters: number;
  /** Receptive field of one output voxel in full-resolution voxels. */
  receptiveField: number;
  rFull: number;
  rContext: number;
  /** Depth: the deeper path's convolutions plus the fully connected layers. */
  layers: number;
  perLayer: LayerRow[];
}

export class DualPathNet {
  readonly layers: { full: LayerSpec[]; context: LayerSpec[]; head: LayerSpec[] };
  readonly rFull: number;
  readonly rContext: number;
  private readonly dropoutRng: Rng;

  constructor(readonly config: NetConfig, readonly params: ParameterSet, readonly seed: number) {
    this.layers = { full: pathLayers('full', config.full), context: pathLayers('context', config.context), head: headLayers(config) };
    this.rFull = halfReceptiveField(this.layers.full);
    this.rContext = halfReceptiveField(this.layers.context);
    this.dropoutRng = new Rng((seed ^ 0x6d2b79f5) >>> 0);
  }

  get preset(): PresetName {
    return this.config.preset;
  }

  get numClasses(): number {
    return this.config.numClasses;
  }

  geometry(outputSize: number = this.config.defaults.outputSize): PatchGeometry {
    return patchGeometry(outputSize, this.rFull, this.rContext);
  }

  /** Everything the optimiser updates (not the batch-norm running averages). */
  get trainableVariables(): tf.Variable[] {
    return this.params.list.filter((p) => p.variable.trainable).map((p) => p.variable);
  }

  /** Weights under L2 decay: every convolution and fully connected weight except the last layer's. */
  get l2Variables(): tf.Variable[] {
    const last = this.layers.head[this.layers.head.length - 1].name;
    return this.params.list.filter((p) => p.role === 'weight' && p.layer !== last).map((p) => p.variable);
  }

  /** Output block size O for these inputs, after checking that their shapes fit the network. */
  outputSizeFor({ full, context }: DualPathInputs): number {
    const [n, f] = full.shape;
    const o = f - 2 * this.rFull;
    const g = o >= CONTEXT_FACTOR && o % CONTEXT_FACTOR === 0 ? this.geometry(o) : undefined;
    const fullOk = g && full.shape.every((s, i) => (i === 0 ? true : i === 4 ? s === 1 : s === f));
    const ctxOk = g && context.shape[0] === n && context.shape.every((s, i) => (i === 0 ? true : i === 4 ? s === 1 : s === g.contextInputSize));
    if (!g || !fullOk || !ctxOk) {
      throw new WorkbenchError(
        'bad-argument',
        `The ${this.preset} network expects inputs full [N, O+${2 * this.rFull} (×3), 1] and context [N, O/4+${2 * this.rContext} (×3), 1] ` +
          `with O a multiple of 4; got full [${full.shape.join(', ')}] and context [${context.shape.join(', ')}].`,
      );
    }
    return o;
  }

  /** Logits `[N, O, O, O, K]`. `training` selects batch statistics (and updates running averages) and dropout. */
  apply(inputs: DualPathInputs, training: boolean): tf.Tensor5D {
    const o = this.outputSizeFor(inputs);
    const n = inputs.full.shape[0];
    const ctx: ForwardContext = { params: this.params, training, bnEpsilon: this.config.bnEpsilon, bnMomentum: this.config.bnMomentum };
    return tf.tidy(() => {
      const f = pathForward(inputs.full, this.layers.full, ctx);
      const c = upsampleNearest3d(pathForward(inputs.context, this.layers.context, ctx), CONTEXT_FACTOR);
      const m = n * o * o * o;
      let h = tf.concat([tf.reshape(f, [m, f.shape[4]]), tf.reshape(c, [m, c.shape[4]])], 1);
      this.layers.head.forEach((l, i) => {
        if (training) h = dropout(h, this.config.dropout, this.dropoutRng.uint32());
        h = dense(h as tf.Tensor2D, this.params.get(l.name, 'weight') as tf.Tensor2D, this.params.get(l.name, 'bias') as tf.Tensor1D);
        if (i < this.layers.head.length - 1) h = tf.relu(h);
      });
      return tf.reshape(h, [n, o, o, o, this.numClasses]) as tf.Tensor5D;
    });
  }

  summary(): NetSummary {
    const perLayer: LayerRow[] = [];
    for (const group of [this.layers.full, this.layers.context, this.layers.head]) {
      let r = 0;
      for (const l of group) {
        if (l.path !== 'head') r += (l.kernel - 1) / 2;
        perLayer.push({ name: l.name, path: l.path, kind: l.kind, kernel: l.kernel, inChannels: l.inChannels, outChannels: l.outChannels, parameters: layerParameters(l), r: l.path === 'head' ? 0 : r });
      }
    }
    return {
      preset: this.preset,
      numClasses: this.numClasses,
      parameters: perLayer.reduce((s, l) => s + l.parameters, 0),
      receptiveField: receptiveField(this.rFull, this.rContext),
      rFull: this.rFull,
      rContext: this.rContext,
      layers: Math.max(this.layers.full.length, this.layers.context.length) + this.layers.head.length,
      perLayer,
    };
  }

  dispose(): void {
    this.params.dispose();
  }
}

/** Class probabilities `[N, O, O, O, K]` from logits (softmax over the last axis, on the 2-D view). */
export function probabilities(logits: tf.Tensor5D): tf.Tensor5D {
  return tf.tidy(() => {
    const k = logits.shape[4];
    return tf.reshape(softmaxRows(tf.reshape(logits, [logits.size / k, k])), logits.shape) as tf.Tensor5D;
  });
}

/** A new network with Glorot-initialised weights; the same seed gives identical weights. */
export function createDualPathNet(p: { preset: PresetName; numClasses: number; seed: number }): DualPathNet {
  const config = presetConfig(p.preset, p.numClasses);
  return netFromConfig(config, p.seed);
}

/** A network for a (possibly loaded) config; weights are Glorot-initialised from `seed`. */
export function netFromConfig(config: NetConfig, seed: number): DualPathNet {
  const params = new ParameterSet(createParameters(allLayers(config), new Rng(seed)));
  return new DualPathNet(config, params, seed);
}
