/**
 * Per-image, per-class lists of voxel indices (`i + nx·(j + ny·k)`), built once so that a sampler can
 * pick "a voxel of class k" in O(1).
 */
import type { Vec3 } from '../data/volume';
import { WorkbenchError } from '../errors';
import type { LabelArray } from '../transforms/training-set';

export interface ClassIndex {
  name: string;
  dims: Vec3;
  numClasses: number;
  /** voxels[k]: the indices of every voxel labelled k, ascending. */
  voxels: Uint32Array[];
  /** Classes with at least one voxel, ascending. */
  present: number[];
}

export interface LabelledImage {
  name?: string;
  labels: LabelArray;
  dims: Vec3;
}

export function buildClassIndex(img: LabelledImage, numClasses: number): ClassIndex {
  const name = img.name ?? 'label map';
  const n = img.dims[0] * img.dims[1] * img.dims[2];
  if (img.labels.length !== n) {
    throw new WorkbenchError('label-grid-mismatch', `${name} has ${img.labels.length} voxels but its dimensions ${img.dims.join('×')} give ${n}.`);
  }
  const counts = new Uint32Array(numClasses);
  for (let v = 0; v < n; v++) {
    const k = img.labels[v];
    if (!(k >= 0 && k < numClasses && Number.isInteger(k))) {
      throw new WorkbenchError('bad-argument', `${name}: voxel ${v} has label ${k}; expected a class 0..${numClasses - 1} (remap labels first).`);
    }
    counts[k]++;
  }
  const voxels = Array.from(counts, (c) => new Uint32Array(c));
  const fill = new Uint32Array(numClasses);
  for (let v = 0; v < n; v++) {
    const k = img.labels[v];
    voxels[k][fill[k]++] = v;
  }
  const present = [...counts.keys()].filter((k) => counts[k] > 0);
  if (present.length === 0) throw new WorkbenchError('bad-argument', `${name} has no voxels.`);
  return { name, dims: [...img.dims], numClasses, voxels, present };
}

/** (x, y, z) of a linear voxel index. */
export function voxelCoords(v: number, dims: Vec3): Vec3 {
  const x = v % dims[0];
  const r = (v - x) / dims[0];
  const y = r % dims[1];
  return [x, y, (r - y) / dims[1]];
}
