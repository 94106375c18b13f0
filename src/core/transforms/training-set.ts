/**
 * Training volumes on the GPU: every image (float32, already clamped and scaled, in the training grid)
 * concatenated into one buffer and every label map (classes 0..K−1, K ≤ 256) packed four 8-bit labels per
 * 32-bit word into a second buffer, uploaded once. Patches are then cut by one kernel (sample-patch-batch.ts).
 * On backends without WebGPU the same packed arrays stay in memory and the CPU reference cuts patches.
 */
import * as tf from '@tensorflow/tfjs';
import type { DeviceLimits } from '../backend/device';
import { checkBufferFits } from '../data/checks';
import type { Vec3 } from '../data/volume';
import { WorkbenchError } from '../errors';
import { LABELS_PER_WORD, MAX_LABEL, MAX_VOLUME_SIDE, NO_LABELS } from '../kernels/patch-sampler/patch-sampler.layout';

export type LabelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Int32Array | Uint32Array | Float32Array;

export interface TrainingVolumeInput {
  name?: string;
  /** Float32 voxel values, x fastest (`i + nx·(j + ny·k)`), already clamped and scaled. */
  image: Float32Array;
  /** Class per voxel (0..255), same layout; absent for inference-only volumes. */
  labels?: LabelArray;
  dims: Vec3;
  /** Training-grid spacing (x, y, z) mm; default 1 mm. */
  spacing?: Vec3;
}

export interface TrainingSetEntry {
  name: string;
  dims: Vec3;
  spacing: Vec3;
  /** Offset (elements) of this volume in the concatenated image buffer. */
  imageOffset: number;
  /** Offset (voxels) in the packed label stream, or NO_LABELS. */
  labelOffset: number;
}

export interface PackedTrainingSet {
  entries: TrainingSetEntry[];
  image: Float32Array;
  /** Four labels per word, voxel v in byte v % 4 of word ⌊v / 4⌋ (little-endian bytes). */
  labels: Int32Array;
  air: number;
  valueRange: { min: number; max: number };
}

function volumeName(v: TrainingVolumeInput, i: number): string {
  return v.name ?? `training volume ${i + 1}`;
}

function checkVolume(v: TrainingVolumeInput, i: number): void {
  const name = volumeName(v, i);
  const [nx, ny, nz] = v.dims;
  const n = nx * ny * nz;
  if (![nx, ny, nz].every((d) => Number.isInteger(d) && d > 0)) {
    throw new WorkbenchError('bad-dimensions', `${name} has dimensions ${v.dims.join('×')}; expected three positive whole numbers.`);
  }
  if (Math.max(nx, ny, nz) > MAX_VOLUME_SIDE) {
    throw new WorkbenchError('too-large', `${name} is ${v.dims.join('×')} voxels; the patch sampler handles at most ${MAX_VOLUME_SIDE} voxels a side (resample to a coarser spacing).`);
  }
  if (v.image.length !== n) throw new WorkbenchError('bad-dimensions', `${name}: the image has ${v.image.length} values but ${v.dims.join('×')} = ${n} voxels.`);
  if (v.labels && v.labels.length !== n) {
    throw new WorkbenchError('label-grid-mismatch', `${name}: the label map has ${v.labels.length} voxels but the image is ${v.dims.join('×')} = ${n}; a label map must match its image.`);
  }
}

function rangeOf(vols: readonly TrainingVolumeInput[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of vols) {
    for (let i = 0; i < v.image.length; i++) {
      const x = v.image[i];
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  return { min, max };
}

/** Concatenates images and packs labels (host memory). Exported for the CPU reference and tests. */
export function packTrainingSet(vols: readonly TrainingVolumeInput[], opts: { valueRange?: { min: number; max: number } } = {}): PackedTrainingSet {
  if (vols.length === 0) throw new WorkbenchError('bad-argument', 'A training set needs at least one volume; got none.');
  vols.forEach(checkVolume);
  const total = vols.reduce((s, v) => s + v.image.length, 0);
  const image = new Float32Array(total);
  const bytes = new Uint8Array(Math.max(1, Math.ceil(total / LABELS_PER_WORD)) * LABELS_PER_WORD);
  const entries: TrainingSetEntry[] = [];
  let offset = 0;
  vols.forEach((v, i) => {
    image.set(v.image, offset);
    if (v.labels) copyLabels(v.labels, bytes, offset, volumeName(v, i));
    entries.push({ name: volumeName(v, i), dims: [...v.dims], spacing: v.spacing ? [...v.spacing] : [1, 1, 1], imageOffset: offset, labelOffset: v.labels ? offset : NO_LABELS });
    offset += v.image.length;
  });
  const valueRange = opts.valueRange ?? rangeOf(vols);
  return { entries, image, labels: new Int32Array(bytes.buffer), air: valueRange.min, valueRange };
}

function copyLabels(src: LabelArray, bytes: Uint8Array, offset: number, name: string): void {
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (!(c >= 0 && c <= MAX_LABEL && Number.isInteger(c))) {
      throw new WorkbenchError('bad-argument', `${name}: voxel ${i} has label ${c}; labels must be whole numbers 0..${MAX_LABEL} (remap classes to 0..K−1 first).`);
    }
    bytes[offset + i] = c;
  }
}

/** Training volumes resident on the GPU (or, without WebGPU, in memory). Dispose when done. */
export class GpuTrainingSet {
  readonly entries: readonly TrainingSetEntry[];
  readonly air: number;
  readonly valueRange: { min: number; max: number };
  /** float32 [total voxels] on WebGPU; undefined on other backends. */
  readonly image?: tf.Tensor1D;
  /** int32 [packed words] on WebGPU; undefined on other backends. */
  readonly labels?: tf.Tensor1D;
  /** The packed arrays, kept only on backends without WebGPU. */
  readonly host?: PackedTrainingSet;
  private disposed = false;

  constructor(packed: PackedTrainingSet, onGpu: boolean) {
    this.entries = packed.entries;
    this.air = packed.air;
    this.valueRange = packed.valueRange;
    if (onGpu) {
      this.image = tf.tensor1d(packed.image, 'float32');
      this.labels = tf.tensor1d(packed.labels, 'int32');
    } else {
      this.host = packed;
    }
  }

  get onGpu(): boolean {
    return this.image !== undefined;
  }

  get size(): number {
    return this.entries.length;
  }

  entry(i: number): TrainingSetEntry {
    const e = this.entries[i];
    if (!e) throw new WorkbenchError('bad-argument', `There is no training volume ${i}; the set holds ${this.entries.length}.`);
    return e;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.image?.dispose();
    this.labels?.dispose();
  }
}

/** The DESIGN contract's name for an uploaded volume: a set (of one or more volumes). */
export type GpuTrainingVolume = GpuTrainingSet;

/**
 * Uploads training volumes once. On WebGPU they become two GPU buffers; elsewhere they stay in memory.
 * `valueRange.min` is the air value read outside a volume (default: the smallest voxel value). With
 * `limits` (the Device's), volumes that do not fit in one buffer are refused (`checkBufferFits`).
 */
export function uploadTrainingSet(vols: readonly TrainingVolumeInput[], opts: { valueRange?: { min: number; max: number }; limits?: DeviceLimits } = {}): GpuTrainingSet {
  const packed = packTrainingSet(vols, opts);
  const onGpu = tf.getBackend() === 'webgpu';
  if (onGpu && opts.limits) {
    checkBufferFits(packed.image.length * 4, opts.limits, (need, allowed) => `The training volumes need ${need} in one GPU buffer but this GPU allows ${allowed}; use fewer or coarser volumes.`);
  }
  return new GpuTrainingSet(packed, onGpu);
}

/** One volume (the DESIGN contract's `uploadTrainingVolume`): a set of one. */
export function uploadTrainingVolume(image: Float32Array, labels: LabelArray | undefined, dims: Vec3, opts: { spacing?: Vec3; valueRange?: { min: number; max: number }; name?: string } = {}): GpuTrainingSet {
  return uploadTrainingSet([{ image, labels, dims, spacing: opts.spacing, name: opts.name }], { valueRange: opts.valueRange });
}
