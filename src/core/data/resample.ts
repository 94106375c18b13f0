/**
 * Affine-aware resampling in world space: each target voxel centre is mapped through
 * inv(source affine) · target affine into the source grid and sampled there (trilinear for
 * images, nearest for labels). Layout in and out: `data[i + nx*(j + ny*k)]` (NDHWC `[1, nz, ny, nx, 1]`).
 */
import { WorkbenchError } from '../errors';
import { applyAffine, invertAffine, multiply4 } from './affine';
import { realRange, spacingFromAffine, type Vec3, type Volume, type VoxelArray } from './volume';

export type ResampleMode = 'linear' | 'nearest';

export interface ResampleOptions {
  /**
   * Real value for target voxels whose centre lies more than half a voxel outside the source.
   * Default: the source's minimum (air for CT) for 'linear', 0 (background) for 'nearest'.
   */
  fill?: number;
}

export type Grid = Pick<Volume, 'dims' | 'affine'>;

/** Per-axis sampling table for an axis-aligned map x = a·i + b. */
interface AxisTable {
  lo: Int32Array; // index × stride of the lower neighbour (nearest: of the voxel)
  hi: Int32Array; // index × stride of the upper neighbour
  w: Float32Array; // weight of the upper neighbour
  ok: Uint8Array; // inside the source
}

function axisTable(n: number, a: number, b: number, srcN: number, stride: number, nearest: boolean): AxisTable {
  const t: AxisTable = { lo: new Int32Array(n), hi: new Int32Array(n), w: new Float32Array(n), ok: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const x = a * i + b;
    if (!(x >= -0.5 && x < srcN - 0.5 + 1e-9)) continue;
    t.ok[i] = 1;
    if (nearest) {
      t.lo[i] = Math.min(srcN - 1, Math.floor(x + 0.5)) * stride;
      continue;
    }
    const c = Math.min(Math.max(x, 0), srcN - 1);
    const x0 = Math.min(Math.floor(c), Math.max(srcN - 2, 0));
    t.lo[i] = x0 * stride;
    t.hi[i] = Math.min(x0 + 1, srcN - 1) * stride;
    t.w[i] = c - x0;
  }
  return t;
}

function isAxisAligned(m: Float64Array): boolean {
  const scale = Math.max(Math.abs(m[0]), Math.abs(m[5]), Math.abs(m[10]));
  return [1, 2, 4, 6, 8, 9].every((i) => Math.abs(m[i]) <= 1e-9 * scale);
}

/** Fast path: the map is a per-axis scale and shift, so weights are tabulated once per axis. */
function sampleSeparable(src: VoxelArray, srcDims: Vec3, dims: Vec3, m: Float64Array, out: VoxelArray, mode: ResampleMode, fill: number): void {
  const near = mode === 'nearest';
  const tx = axisTable(dims[0], m[0], m[3], srcDims[0], 1, near);
  const ty = axisTable(dims[1], m[5], m[7], srcDims[1], srcDims[0], near);
  const tz = axisTable(dims[2], m[10], m[11], srcDims[2], srcDims[0] * srcDims[1], near);
  const [nx, ny, nz] = dims;
  let p = 0;
  for (let k = 0; k < nz; k++) {
    const z0 = tz.lo[k], z1 = tz.hi[k], wz = tz.w[k];
    for (let j = 0; j < ny; j++) {
      if (!tz.ok[k] || !ty.ok[j]) {
        out.fill(fill, p, p + nx);
        p += nx;
        continue;
      }
      const y0 = ty.lo[j], y1 = ty.hi[j], wy = ty.w[j];
      const r00 = z0 + y0, r01 = z0 + y1, r10 = z1 + y0, r11 = z1 + y1;
      for (let i = 0; i < nx; i++, p++) {
        if (!tx.ok[i]) {
          out[p] = fill;
          continue;
        }
        const x0 = tx.lo[i];
        if (near) {
          out[p] = src[r00 + x0];
          continue;
        }
        const x1 = tx.hi[i], wx = tx.w[i];
        const a = src[r00 + x0] + (src[r00 + x1] - src[r00 + x0]) * wx;
        const b = src[r01 + x0] + (src[r01 + x1] - src[r01 + x0]) * wx;
        const c = src[r10 + x0] + (src[r10 + x1] - src[r10 + x0]) * wx;
        const d = src[r11 + x0] + (src[r11 + x1] - src[r11 + x0]) * wx;
        const e = a + (b - a) * wy;
        out[p] = e + (c + (d - c) * wy - e) * wz;
      }
    }
  }
}

/** One trilinear or nearest sample at source index (x, y, z); `fill` outside. */
function sampleAt(src: VoxelArray, d: Vec3, x: number, y: number, z: number, near: boolean, fill: number): number {
  const [nx, ny, nz] = d;
  if (!(x >= -0.5 && x < nx - 0.5 + 1e-9 && y >= -0.5 && y < ny - 0.5 + 1e-9 && z >= -0.5 && z < nz - 0.5 + 1e-9)) return fill;
  if (near) {
    const i = Math.min(nx - 1, Math.floor(x + 0.5));
    const j = Math.min(ny - 1, Math.floor(y + 0.5));
    const k = Math.min(nz - 1, Math.floor(z + 0.5));
    return src[i + nx * (j + ny * k)];
  }
  const cx = Math.min(Math.max(x, 0), nx - 1), cy = Math.min(Math.max(y, 0), ny - 1), cz = Math.min(Math.max(z, 0), nz - 1);
  const x0 = Math.min(Math.floor(cx), Math.max(nx - 2, 0)), y0 = Math.min(Math.floor(cy), Math.max(ny - 2, 0)), z0 = Math.min(Math.floor(cz), Math.max(nz - 2, 0));
  const wx = cx - x0, wy = cy - y0, wz = cz - z0;
  const sx = x0 + 1 < nx ? 1 : 0, sy = y0 + 1 < ny ? nx : 0, sz = z0 + 1 < nz ? nx * ny : 0;
  const o = x0 + nx * (y0 + ny * z0);
  const a = src[o] + (src[o + sx] - src[o]) * wx;
  const b = src[o + sy] + (src[o + sy + sx] - src[o + sy]) * wx;
  const c = src[o + sz] + (src[o + sz + sx] - src[o + sz]) * wx;
  const e = src[o + sz + sy] + (src[o + sz + sy + sx] - src[o + sz + sy]) * wx;
  const f = a + (b - a) * wy;
  return f + (c + (e - c) * wy - f) * wz;
}

/** General path (rotations, permutations): the source position advances by one column of m per voxel. */
function sampleGeneral(src: VoxelArray, srcDims: Vec3, dims: Vec3, m: Float64Array, out: VoxelArray, mode: ResampleMode, fill: number): void {
  const near = mode === 'nearest';
  const [nx, ny, nz] = dims;
  let p = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let x = m[1] * j + m[2] * k + m[3];
      let y = m[5] * j + m[6] * k + m[7];
      let z = m[9] * j + m[10] * k + m[11];
      for (let i = 0; i < nx; i++, p++) {
        out[p] = sampleAt(src, srcDims, x, y, z, near, fill);
        x += m[0];
        y += m[4];
        z += m[8];
      }
    }
  }
}

/**
 * Resamples `v` onto `grid` (its dims and voxel→world affine). 'linear': trilinear on the stored
 * values, output Float32Array of real values (scale 1, 0). 'nearest': output has the source's
 * datatype and scale (labels stay exact class numbers).
 */
export function resampleToGrid(v: Volume, grid: Grid, mode: ResampleMode, opts: ResampleOptions = {}): Volume {
  if (grid.dims.some((d) => !(d >= 1) || !Number.isInteger(d))) {
    throw new WorkbenchError('bad-argument', `Cannot resample ${v.name} onto a grid of ${grid.dims.join('×')} voxels; each dimension must be a whole number ≥ 1.`);
  }
  const m = multiply4(invertAffine(v.affine), grid.affine);
  const n = grid.dims[0] * grid.dims[1] * grid.dims[2];
  const { slope, inter } = v.scale;
  const near = mode === 'nearest';
  const fillReal = opts.fill ?? (near ? 0 : realRange(v).min);
  const Ctor = v.data.constructor as new (n: number) => VoxelArray;
  const out = near ? new Ctor(n) : new Float32Array(n);
  // Sampling works on stored values; linear interpolation commutes with the scale, applied after.
  const fillStored = (fillReal - inter) / slope;
  const sample = isAxisAligned(m) ? sampleSeparable : sampleGeneral;
  sample(v.data, v.dims, [grid.dims[0], grid.dims[1], grid.dims[2]], m, out, mode, fillStored);
  if (!near && !(slope === 1 && inter === 0)) for (let i = 0; i < n; i++) out[i] = out[i] * slope + inter;
  const affine = Float64Array.from(grid.affine);
  const { dicom: _sourceGrid, ...rest } = v; // the DICOM source describes the original grid only
  void _sourceGrid;
  return {
    ...rest,
    dims: [grid.dims[0], grid.dims[1], grid.dims[2]],
    spacing: spacingFromAffine(affine),
    affine,
    data: out,
    scale: near ? { slope, inter } : { slope: 1, inter: 0 },
  };
}

/**
 * The grid with the same orientation and field-of-view centre as `v` and voxels of `spacing`
 * (x, y, z) mm: n' = max(1, round(n · s / s')) voxels per axis.
 */
export function gridForSpacing(v: Grid & Pick<Volume, 'spacing'>, spacing: Vec3): { dims: Vec3; affine: Float64Array } {
  if (spacing.some((s) => !(s > 0))) throw new WorkbenchError('bad-argument', `Target spacing must be positive; got ${spacing.join(' × ')} mm.`);
  const dims = [0, 1, 2].map((a) => Math.max(1, Math.round((v.dims[a] * v.spacing[a]) / spacing[a]))) as Vec3;
  const affine = new Float64Array(16);
  for (let a = 0; a < 3; a++) {
    const f = spacing[a] / v.spacing[a];
    for (let r = 0; r < 3; r++) affine[r * 4 + a] = v.affine[r * 4 + a] * f;
  }
  const centre = applyAffine(v.affine, (v.dims[0] - 1) / 2, (v.dims[1] - 1) / 2, (v.dims[2] - 1) / 2);
  const offset = applyAffine(affine, (dims[0] - 1) / 2, (dims[1] - 1) / 2, (dims[2] - 1) / 2);
  for (let r = 0; r < 3; r++) affine[r * 4 + 3] = centre[r] - offset[r];
  affine[15] = 1;
  return { dims, affine };
}

/** Resamples `v` to voxels of `spacing` (x, y, z) mm over the same field of view (see `gridForSpacing`). */
export function resampleToSpacing(v: Volume, spacing: Vec3, mode: ResampleMode, opts: ResampleOptions = {}): Volume {
  return resampleToGrid(v, gridForSpacing(v, spacing), mode, opts);
}
