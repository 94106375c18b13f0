/**
 * What the uniform sampler and isample share: choosing the scans of a batch and proposing a centre
 * (class uniform among the classes present in the image, then a voxel uniform among that class).
 */
import type { Vec3 } from '../data/volume';
import { WorkbenchError } from '../errors';
import type { Rng } from '../random';
import type { PatchRequest } from '../transforms/augment';
import { voxelCoords, type ClassIndex } from './class-index';

export interface SampledPatch extends PatchRequest {
  classId: number;
  /** Linear index of the centre voxel in its image. */
  voxel: number;
}

export interface SamplerStats {
  /** Centres proposed (for the uniform sampler: equal to `accepted`). */
  proposals: number;
  accepted: number;
  /** accepted / proposals. */
  acceptanceRate: number;
  /** Patches accepted without passing the test because `maxProposalsPerPatch` ran out. */
  forced: number;
  /** Accepted patches per class. */
  perClass: number[];
}

export interface SampledBatch {
  patches: SampledPatch[];
  stats: SamplerStats;
  /** The scans this batch was drawn from (all of them when scansPerBatch is not set). */
  scans: number[];
}

export interface BatchPlanOptions {
  /** Draw the batch from this many distinct scans, split evenly ("12 patches from one scan": 1). Default: every patch picks any scan. */
  scansPerBatch?: number;
}

export interface Proposal {
  image: number;
  classId: number;
  voxel: number;
  centre: Vec3;
}

export function checkIndexes(indexes: readonly ClassIndex[]): void {
  if (indexes.length === 0) throw new WorkbenchError('bad-argument', 'A sampler needs at least one labelled training image; got none.');
}

/**
 * Which scan each patch slot uses: with `scansPerBatch` s, s distinct scans chosen uniformly and slot b
 * uses scan b mod s; without it, -1 (pick a scan per proposal).
 */
export function planSlots(n: number, count: number, opts: BatchPlanOptions, rng: Rng): { slots: number[]; scans: number[] } {
  if (!Number.isInteger(n) || n <= 0) throw new WorkbenchError('bad-argument', `A batch needs at least one patch; got ${n}.`);
  const s = opts.scansPerBatch;
  if (s === undefined) return { slots: new Array<number>(n).fill(-1), scans: [...Array(count).keys()] };
  if (!Number.isInteger(s) || s < 1) throw new WorkbenchError('bad-argument', `scansPerBatch must be a whole number ≥ 1; got ${s}.`);
  const pool = [...Array(count).keys()];
  const scans: number[] = [];
  for (let i = 0; i < Math.min(s, count); i++) scans.push(pool.splice(rng.int(pool.length), 1)[0]);
  return { slots: Array.from({ length: n }, (_, b) => scans[b % scans.length]), scans };
}

/** One proposal for a slot (image fixed, or -1 for any image). */
export function propose(indexes: readonly ClassIndex[], slot: number, rng: Rng): Proposal {
  const image = slot >= 0 ? slot : rng.int(indexes.length);
  const idx = indexes[image];
  const classId = idx.present[rng.int(idx.present.length)];
  const list = idx.voxels[classId];
  const voxel = list[rng.int(list.length)];
  return { image, classId, voxel, centre: voxelCoords(voxel, idx.dims) };
}

export function emptyStats(numClasses: number): SamplerStats {
  return { proposals: 0, accepted: 0, acceptanceRate: 1, forced: 0, perClass: new Array<number>(numClasses).fill(0) };
}

export function finishStats(s: SamplerStats): SamplerStats {
  s.acceptanceRate = s.proposals > 0 ? s.accepted / s.proposals : 1;
  return s;
}
