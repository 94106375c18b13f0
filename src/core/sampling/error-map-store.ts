/**
 * Error maps E_i (one per training image, float32 in the training grid, x fastest), initialised to 1
 * so that every voxel is wanted until the network has been evaluated there; plus, per image, a count of
 * accepted patch centres (the density overlay in the UI).
 */
import type { Vec3 } from '../data/volume';
import { WorkbenchError } from '../errors';
import type { LabelArray } from '../transforms/training-set';

export class ErrorMapStore {
  private readonly maps: Float32Array[];
  private readonly counts: Uint32Array[];
  readonly dims: readonly Vec3[];

  constructor(dims: readonly Vec3[]) {
    this.dims = dims.map((d) => [...d] as Vec3);
    this.maps = dims.map((d) => new Float32Array(d[0] * d[1] * d[2]).fill(1));
    this.counts = dims.map((d) => new Uint32Array(d[0] * d[1] * d[2]));
  }

  get count(): number {
    return this.maps.length;
  }

  private check(i: number): void {
    if (!this.maps[i]) throw new WorkbenchError('bad-argument', `There is no error map ${i}; the store holds ${this.maps.length}.`);
  }

  /** E_i (live view: do not modify). */
  error(i: number): Float32Array {
    this.check(i);
    return this.maps[i];
  }

  /** Accepted-centre counts of image i (live view). */
  density(i: number): Uint32Array {
    this.check(i);
    return this.counts[i];
  }

  /** E_i ← clamp(1 − p_true, 0, 1), `pTrue` one value per voxel. */
  updateFromPTrue(i: number, pTrue: Float32Array): void {
    this.check(i);
    const e = this.maps[i];
    if (pTrue.length !== e.length) {
      throw new WorkbenchError('bad-dimensions', `Error map ${i} has ${e.length} voxels (${this.dims[i].join('×')}) but p_true has ${pTrue.length}.`);
    }
    for (let v = 0; v < e.length; v++) e[v] = Math.min(1, Math.max(0, 1 - pTrue[v]));
  }

  /** E_i ← 1 − p[v, L(v)] from per-voxel class probabilities `[voxels, K]` (class fastest, as NDHWC). */
  updateFromProbabilities(i: number, probabilities: Float32Array, labels: LabelArray, numClasses: number): void {
    this.check(i);
    const e = this.maps[i];
    if (probabilities.length !== e.length * numClasses || labels.length !== e.length) {
      throw new WorkbenchError(
        'bad-dimensions',
        `Error map ${i} has ${e.length} voxels; expected ${e.length}×${numClasses} probabilities and ${e.length} labels, got ${probabilities.length} and ${labels.length}.`,
      );
    }
    for (let v = 0; v < e.length; v++) e[v] = Math.min(1, Math.max(0, 1 - probabilities[v * numClasses + labels[v]]));
  }

  /**
   * `update(i, pTrue)` or `update(i, probabilities, labels, K)`: whichever the arguments describe.
   */
  update(i: number, values: Float32Array, labels?: LabelArray, numClasses?: number): void {
    if (labels !== undefined && numClasses !== undefined) this.updateFromProbabilities(i, values, labels, numClasses);
    else this.updateFromPTrue(i, values);
  }

  recordCentre(i: number, voxel: number): void {
    this.check(i);
    this.counts[i][voxel]++;
  }

  resetDensity(i?: number): void {
    for (const [k, c] of this.counts.entries()) if (i === undefined || i === k) c.fill(0);
  }

  /** Mean of E_i. */
  meanError(i: number): number {
    const e = this.error(i);
    let s = 0;
    for (let v = 0; v < e.length; v++) s += e[v];
    return s / e.length;
  }

  /** E_i × 255, rounded, for display. */
  toUint8(i: number): Uint8Array {
    const e = this.error(i);
    const out = new Uint8Array(e.length);
    for (let v = 0; v < e.length; v++) out[v] = Math.round(e[v] * 255);
    return out;
  }

  /** Centre counts scaled so the largest is 255 (all 0 when no centre was recorded). */
  densityToUint8(i: number): Uint8Array {
    const c = this.density(i);
    let max = 0;
    for (let v = 0; v < c.length; v++) if (c[v] > max) max = c[v];
    const out = new Uint8Array(c.length);
    if (max === 0) return out;
    for (let v = 0; v < c.length; v++) out[v] = Math.round((c[v] * 255) / max);
    return out;
  }
}
