/**
 * A 512×512×300 scan for the inference benchmarks (bench/inference.bench.test.ts, the GPU kit): patient A
 * (public/demo/ct.nii.gz) sampled trilinearly on a finer grid. Made at run time; nothing derived is stored.
 */
import type { Vec3, Volume } from '../src/core/data';

/** Patient A's HU sampled trilinearly on a `dims` grid of `spacing` mm, both grids centred on each other. */
export function resampledPatientA(a: Volume, dims: Vec3, spacing: Vec3): Volume {
  const [ax, ay, az] = a.dims;
  const { slope, inter } = a.scale;
  const axis = (n: number, s: number, na: number, sa: number) => {
    const i0 = new Int32Array(n);
    const w = new Float32Array(n);
    const inside = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const p = ((i - (n - 1) / 2) * s) / sa + (na - 1) / 2; // position in patient A's voxels
      const f = Math.min(Math.max(Math.floor(p), 0), na - 2);
      i0[i] = f;
      w[i] = Math.min(Math.max(p - f, 0), 1);
      inside[i] = p >= 0 && p <= na - 1 ? 1 : 0;
    }
    return { i0, w, inside };
  };
  const X = axis(dims[0], spacing[0], ax, a.spacing[0]);
  const Y = axis(dims[1], spacing[1], ay, a.spacing[1]);
  const Z = axis(dims[2], spacing[2], az, a.spacing[2]);
  const src = Float32Array.from(a.data, (v) => v * slope + inter);
  const out = new Int16Array(dims[0] * dims[1] * dims[2]).fill(-1000);
  const sx = 1;
  const sy = ax;
  const sz = ax * ay;
  for (let k = 0; k < dims[2]; k++) {
    if (!Z.inside[k]) continue;
    const zw = Z.w[k];
    for (let j = 0; j < dims[1]; j++) {
      if (!Y.inside[j]) continue;
      const yw = Y.w[j];
      const row = (k * dims[1] + j) * dims[0];
      for (let i = 0; i < dims[0]; i++) {
        if (!X.inside[i]) continue;
        const xw = X.w[i];
        const b = X.i0[i] * sx + Y.i0[j] * sy + Z.i0[k] * sz;
        const c00 = src[b] + (src[b + sx] - src[b]) * xw;
        const c10 = src[b + sy] + (src[b + sy + sx] - src[b + sy]) * xw;
        const c01 = src[b + sz] + (src[b + sz + sx] - src[b + sz]) * xw;
        const c11 = src[b + sz + sy] + (src[b + sz + sy + sx] - src[b + sz + sy]) * xw;
        const c0 = c00 + (c10 - c00) * yw;
        const c1 = c01 + (c11 - c01) * yw;
        out[row + i] = Math.round(c0 + (c1 - c0) * zw);
      }
    }
  }
  const affine = new Float64Array([spacing[0], 0, 0, 0, 0, spacing[1], 0, 0, 0, 0, spacing[2], 0, 0, 0, 0, 1]);
  return { name: 'synthetic-512x512x300.nii.gz', dims, spacing, affine, data: out, scale: { slope: 1, inter: 0 } };
}

