/**
 * Exact squared Euclidean distance transform on an anisotropic voxel grid (Felzenszwalb & Huttenlocher's
 * separable lower envelope of parabolas, one pass per axis, with the voxel size in each pass).
 * This is the "direct" morphology: a ball of radius r mm is exactly {d : Σ (d_i·s_i)² ≤ r²}, so the
 * dilation of a mask is {p : dist²(p, mask) ≤ r²}, in O(N) whatever r is.
 *
 * Layout: `mask[x + nx * (y + ny * z)]` (x fastest), as the Volume type. Outside the grid is not mask.
 */
import type { Vec3 } from '../data/volume';

/** Squared distance (mm²) from each voxel to the nearest voxel where `mask` is non-zero; Infinity if none. */
export function squaredDistanceTo(mask: Uint8Array, dims: Vec3, spacing: Vec3, onAxis?: (axis: number) => void): Float32Array {
  const [nx, ny, nz] = dims;
  const d = new Float32Array(mask.length);
  for (let i = 0; i < mask.length; i++) d[i] = mask[i] ? 0 : Infinity;
  const nmax = Math.max(nx, ny, nz);
  const f = new Float64Array(nmax), out = new Float64Array(nmax);
  const v = new Int32Array(nmax), zb = new Float64Array(nmax + 1);
  const pass = (n: number, stride: number, w2: number, starts: (emit: (o: number) => void) => void): void => {
    starts((o) => {
      let any = false;
      for (let i = 0, p = o; i < n; i++, p += stride) { f[i] = d[p]; if (f[i] !== Infinity) any = true; }
      if (!any) return;
      envelope(f, n, w2, out, v, zb);
      for (let i = 0, p = o; i < n; i++, p += stride) d[p] = out[i];
    });
  };
  pass(nx, 1, spacing[0] ** 2, (e) => { for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) e(nx * (y + ny * z)); });
  onAxis?.(0);
  pass(ny, nx, spacing[1] ** 2, (e) => { for (let z = 0; z < nz; z++) for (let x = 0; x < nx; x++) e(x + nx * ny * z); });
  onAxis?.(1);
  pass(nz, nx * ny, spacing[2] ** 2, (e) => { for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) e(x + nx * y); });
  onAxis?.(2);
  return d;
}

/** out[q] = min_p (w2·(q − p)² + f[p]) over one line (f may hold Infinity). */
function envelope(f: Float64Array, n: number, w2: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    if (f[q] === Infinity) continue;
    if (k < 0) { k = 0; v[0] = q; z[0] = -Infinity; z[1] = Infinity; continue; }
    let s: number;
    for (;;) {
      const p = v[k];
      s = ((f[q] + w2 * q * q) - (f[p] + w2 * p * p)) / (2 * w2 * (q - p));
      if (s <= z[k]) { k--; if (k < 0) break; } else break;
    }
    k++;
    v[k] = q;
    z[k] = k === 0 ? -Infinity : s;
    z[k + 1] = Infinity;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    while (z[j + 1] < q) j++;
    const p = v[j];
    out[q] = w2 * (q - p) * (q - p) + f[p];
  }
}
