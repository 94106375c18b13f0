/**
 * Closest canonical orientation (RAS+): a lossless permutation and flip of voxel axes after which
 * column a of the affine points mostly along world axis a and positively, i.e. i increases
 * towards the patient's Right (+x), j towards Anterior (+y), k towards Superior (+z).
 */
import { WorkbenchError } from '../errors';
import { multiply4 } from './affine';
import { formatDims, type Vec3, type Volume, type VoxelArray } from './volume';

/** For each voxel axis of the original: the world axis it follows most closely and whether it runs against it. */
export interface AxisOrientation {
  world: 0 | 1 | 2;
  flip: boolean;
}

/**
 * Greedy assignment of voxel axes to world axes by the largest direction cosine (as nibabel's
 * io_orientation does for non-oblique cases): always a permutation, also for oblique scans.
 */
export function axisOrientations(affine: ArrayLike<number>): AxisOrientation[] {
  const cos: number[][] = [0, 1, 2].map((a) => {
    const col = [affine[a], affine[4 + a], affine[8 + a]];
    const n = Math.hypot(col[0], col[1], col[2]) || 1;
    return col.map((x) => x / n);
  });
  const out: (AxisOrientation | undefined)[] = [undefined, undefined, undefined];
  const usedWorld = new Set<number>();
  for (let step = 0; step < 3; step++) {
    let best = { a: -1, w: -1, v: -1 };
    for (let a = 0; a < 3; a++) {
      if (out[a]) continue;
      for (let w = 0; w < 3; w++) {
        if (usedWorld.has(w)) continue;
        const v = Math.abs(cos[a][w]);
        if (v > best.v) best = { a, w, v };
      }
    }
    out[best.a] = { world: best.w as 0 | 1 | 2, flip: cos[best.a][best.w] < 0 };
    usedWorld.add(best.w);
  }
  return out as AxisOrientation[];
}

/**
 * Copies `src` (dims `srcDims`) into a new array on the canonical grid: new voxel n maps to old
 * voxel o with o[a] = flip ? dims[a]−1−n[world] : n[world].
 */
function permute(src: VoxelArray, srcDims: Vec3, ornt: AxisOrientation[], toCanonical: boolean): VoxelArray {
  const strides = [1, srcDims[0], srcDims[0] * srcDims[1]];
  const newDims = [0, 0, 0];
  const step = [0, 0, 0];
  let base = 0;
  ornt.forEach((o, a) => {
    newDims[o.world] = srcDims[a];
    step[o.world] = o.flip ? -strides[a] : strides[a];
    if (o.flip) base += (srcDims[a] - 1) * strides[a];
  });
  const Ctor = src.constructor as new (n: number) => VoxelArray;
  const out = new Ctor(src.length);
  const [nx, ny, nz] = newDims;
  let p = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let o = base + k * step[2] + j * step[1];
      if (toCanonical) for (let i = 0; i < nx; i++, o += step[0]) out[p++] = src[o];
      else for (let i = 0; i < nx; i++, o += step[0]) out[o] = src[p++];
    }
  }
  return out;
}

/** The 4×4 map from canonical voxel indices to original voxel indices. */
function canonicalToOriginal(dims: Vec3, ornt: AxisOrientation[]): Float64Array {
  const t = new Float64Array(16);
  ornt.forEach((o, a) => {
    t[a * 4 + o.world] = o.flip ? -1 : 1;
    t[a * 4 + 3] = o.flip ? dims[a] - 1 : 0;
  });
  t[15] = 1;
  return t;
}

export interface CanonicalResult {
  /** The same voxels on the canonical RAS grid (shares `data` when already canonical). */
  volume: Volume;
  /** Per original axis: target world axis and flip. */
  orientation: AxisOrientation[];
  /** Maps a volume on the canonical grid (e.g. predicted labels) back to the original grid, exactly. */
  fromCanonical(c: Volume): Volume;
}

function isIdentity(ornt: AxisOrientation[]): boolean {
  return ornt.every((o, a) => o.world === a && !o.flip);
}

/**
 * Reorients `v` to the closest canonical RAS orientation by permuting and flipping voxel axes
 * (no interpolation; the affine is updated so every voxel keeps its world position).
 * Layout stays `data[i + nx*(j + ny*k)]` (NDHWC `[1, nz, ny, nx, 1]`) on the new grid.
 */
export function toCanonical(v: Volume): CanonicalResult {
  const ornt = axisOrientations(v.affine);
  const identity = isIdentity(ornt);
  const dims = [0, 0, 0] as Vec3;
  const spacing = [0, 0, 0] as Vec3;
  ornt.forEach((o, a) => {
    dims[o.world] = v.dims[a];
    spacing[o.world] = v.spacing[a];
  });
  const affine = identity ? Float64Array.from(v.affine) : multiply4(v.affine, canonicalToOriginal(v.dims, ornt));
  const volume: Volume = { ...v, dims, spacing, affine, data: identity ? v.data : permute(v.data, v.dims, ornt, true) };
  if (!identity) delete volume.dicom; // the source slices describe the original grid only
  const fromCanonical = (c: Volume): Volume => {
    if (c.dims.some((d, a) => d !== dims[a])) {
      throw new WorkbenchError(
        'bad-argument',
        `${c.name} is ${formatDims(c.dims)} but the canonical grid of ${v.name} is ${formatDims(dims)}; only a volume on that grid can be mapped back.`,
        { file: c.name },
      );
    }
    return {
      ...c,
      dims: [...v.dims] as Vec3,
      spacing: [...v.spacing] as Vec3,
      affine: Float64Array.from(v.affine),
      data: identity ? c.data : permute(c.data, v.dims, ornt, false),
    };
  };
  return { volume, orientation: ornt, fromCanonical };
}
