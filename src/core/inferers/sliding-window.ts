/**
 * Sliding-window inference over one volume of a `GpuTrainingSet` (the training grid). Tiles are cut by
 * the patch-sampler kernel with the identity transform, sent to the predictor, blended (constant or
 * Gaussian weights) and accumulated on the CPU in a buffer of one tile's depth of z-slices; finished
 * slices stream to sinks, so the whole-volume probability tensor never exists unless a sink keeps it.
 */
import * as tf from '@tensorflow/tfjs';
import type { Vec3 } from '../data/volume';
import { yieldToEventLoop } from '../env';
import { WorkbenchError } from '../errors';
import type { LabelArray } from '../transforms/training-set';
import type { GpuTrainingSet } from '../transforms/training-set';
import { cutPatches } from '../transforms/sample-patch-batch';
import { identityTransforms } from '../transforms/augment';
import { blendWeights1d, planTiles, type BlendMode, type TilePlan } from './sliding-window-plan';
import { argmaxCollector, probabilityCollector, pTrueCollector, type ProbabilitySink } from './sliding-window-sinks';
import { softmaxRows } from '../networks/softmax';

/** (full [N,F,F,F,1], context [N,C,C,C,1]) → probabilities (or logits, see `activation`) NDHWC [N,T,T,T,K]. */
export type Predictor = (full: tf.Tensor5D, context: tf.Tensor5D) => tf.Tensor5D | Promise<tf.Tensor5D>;

export interface SlidingWindowOptions {
  /** Output block T per tile: a multiple of 4 (see `chooseTileSize`). */
  tileSize: number;
  /** Fraction of a tile shared with its neighbour, in [0, 1). */
  overlap: number;
  mode: BlendMode;
  /** σ of the Gaussian weights as a fraction of the tile size (default 0.125). */
  sigmaScale?: number;
  geometry: { rFull: number; rContext: number };
  numClasses: number;
  /** Which volume of the set (default 0). */
  imageIndex?: number;
  /** Tiles per predictor call (default 1). */
  batchSize?: number;
  /** 'softmax' when the predictor returns logits (default 'none': it returns probabilities). */
  activation?: 'none' | 'softmax';
  signal?: AbortSignal;
  onProgress?: (p: { tilesDone: number; tilesTotal: number }) => void;
}

/** Sums of weighted probabilities for the z-slices [base, base + depth). */
class SlabAccumulator {
  readonly sums: Float32Array;
  readonly weights: Float32Array;
  base = 0;
  private readonly slice: number;

  constructor(
    readonly dims: Vec3,
    readonly depth: number,
    readonly k: number,
  ) {
    this.slice = dims[0] * dims[1];
    this.sums = new Float32Array(depth * this.slice * k);
    this.weights = new Float32Array(depth * this.slice);
  }

  /** Emits the finished slices [base, upTo) ∩ [0, nz) and moves the window to start at `upTo`. */
  advance(upTo: number, sinks: readonly ProbabilitySink[]): void {
    const done = Math.min(upTo, this.base + this.depth) - this.base;
    if (done <= 0) return;
    const emit = Math.min(done, this.dims[2] - this.base);
    if (emit > 0) {
      const probabilities = new Float32Array(emit * this.slice * this.k);
      for (let v = 0; v < emit * this.slice; v++) {
        const w = this.weights[v];
        for (let c = 0; c < this.k; c++) probabilities[v * this.k + c] = this.sums[v * this.k + c] / w;
      }
      const slab = { zStart: this.base, depth: emit, dims: this.dims, numClasses: this.k, probabilities };
      for (const s of sinks) s.accept(slab);
    }
    this.sums.copyWithin(0, done * this.slice * this.k);
    this.sums.fill(0, (this.depth - done) * this.slice * this.k);
    this.weights.copyWithin(0, done * this.slice);
    this.weights.fill(0, (this.depth - done) * this.slice);
    this.base += done;
  }

  /** Adds one tile [T,T,T,K] at `origin` with separable weights `w`. */
  add(tile: Float32Array, origin: Vec3, t: number, w: Float32Array): void {
    const [nx, ny] = this.dims;
    const k = this.k;
    for (let z = 0; z < t; z++) {
      const gz = origin[2] + z - this.base;
      if (gz < 0 || gz >= this.depth || origin[2] + z >= this.dims[2]) continue;
      for (let y = 0; y < t; y++) {
        const gy = origin[1] + y;
        if (gy >= ny) break;
        const wzy = w[z] * w[y];
        for (let x = 0; x < t; x++) {
          const gx = origin[0] + x;
          if (gx >= nx) break;
          const wt = wzy * w[x];
          const v = gx + nx * (gy + ny * gz);
          const src = (x + t * (y + t * z)) * k;
          this.weights[v] += wt;
          for (let c = 0; c < k; c++) this.sums[v * k + c] += wt * tile[src + c];
        }
      }
    }
  }
}

function checkCancelled(signal: AbortSignal | undefined, done: number, total: number): void {
  if (signal?.aborted) throw new WorkbenchError('cancelled', `Inference was cancelled after ${done} of ${total} tiles.`);
}

async function predictTiles(set: GpuTrainingSet, image: number, origins: Vec3[], o: SlidingWindowOptions, predictor: Predictor): Promise<Float32Array> {
  const t = o.tileSize;
  const reqs = origins.map((org) => ({ image, centre: org.map((v) => v + t / 2) as Vec3 }));
  const batch = cutPatches(set, identityTransforms(reqs), { outputSize: t, ...o.geometry }, { withLabels: false });
  let out: tf.Tensor | undefined;
  try {
    out = await predictor(batch.full, batch.context);
    const want = [origins.length, t, t, t, o.numClasses];
    if (out.shape.join() !== want.join()) {
      throw new WorkbenchError('bad-model', `The predictor returned a tensor of shape [${out.shape}]; sliding-window inference expected [${want}].`);
    }
    if (o.activation === 'softmax') {
      const logits = out;
      // tfjs's softmax runs one barrier-synchronised workgroup per row: seconds per tile on SwiftShader.
      out = tf.tidy(() => softmaxRows(logits.reshape([-1, o.numClasses]) as tf.Tensor2D));
      logits.dispose();
    }
    return (await out.data()) as Float32Array;
  } finally {
    tf.dispose([batch.full, batch.context]);
    out?.dispose();
  }
}

/** Runs the sliding window and streams finished z-slabs to `sinks`. */
export async function slidingWindowStream(set: GpuTrainingSet, o: SlidingWindowOptions, predictor: Predictor, sinks: readonly ProbabilitySink[]): Promise<void> {
  const image = o.imageIndex ?? 0;
  const dims = set.entry(image).dims;
  const plan: TilePlan = planTiles(dims, o.tileSize, o.overlap);
  const t = plan.tileSize;
  const w = blendWeights1d(t, o.mode, o.sigmaScale);
  const acc = new SlabAccumulator(dims, t, o.numClasses);
  const perCall = Math.max(1, Math.floor(o.batchSize ?? 1));
  const total = plan.origins.length;
  let done = 0;
  for (const z0 of plan.zStarts) {
    acc.advance(z0, sinks);
    const group = plan.origins.filter((org) => org[2] === z0);
    for (let i = 0; i < group.length; i += perCall) {
      await yieldToEventLoop(); // a cancel (or any other message) gets in between tiles on every backend
      checkCancelled(o.signal, done, total);
      const origins = group.slice(i, i + perCall);
      const probs = await predictTiles(set, image, origins, o, predictor);
      const per = t * t * t * o.numClasses;
      origins.forEach((org, n) => acc.add(probs.subarray(n * per, (n + 1) * per), org, t, w));
      done += origins.length;
      o.onProgress?.({ tilesDone: done, tilesTotal: total });
    }
  }
  acc.advance(dims[2] + t, sinks);
}

/** Whole-volume probabilities float32 [nz, ny, nx, K] (NDHWC without N; fine for small volumes). */
export async function slidingWindowInference(set: GpuTrainingSet, o: SlidingWindowOptions, predictor: Predictor): Promise<{ probabilities: Float32Array; dims: Vec3; numClasses: number }> {
  const dims = set.entry(o.imageIndex ?? 0).dims;
  const sink = probabilityCollector(dims, o.numClasses);
  await slidingWindowStream(set, o, predictor, [sink]);
  return { probabilities: sink.probabilities, dims, numClasses: o.numClasses };
}

/** Argmax labels (uint8, x fastest) and their probability, in bounded memory. */
export async function predictLabels(set: GpuTrainingSet, o: SlidingWindowOptions, predictor: Predictor): Promise<{ labels: Uint8Array; confidence: Float32Array }> {
  const sink = argmaxCollector(set.entry(o.imageIndex ?? 0).dims, o.numClasses);
  await slidingWindowStream(set, o, predictor, [sink]);
  return { labels: sink.labels, confidence: sink.confidence };
}

/** E = 1 − p_true for isample's error-map update (float32, x fastest), in bounded memory. */
export async function errorMapFromInference(set: GpuTrainingSet, o: SlidingWindowOptions, predictor: Predictor, trueLabels: LabelArray): Promise<Float32Array> {
  const sink = pTrueCollector(set.entry(o.imageIndex ?? 0).dims, o.numClasses, trueLabels);
  await slidingWindowStream(set, o, predictor, [sink]);
  return sink.errorMap();
}
