/** Test helper: a thin slab cut from a volume (as a thin scan, or a few slices of a series, would be). */
import type { Volume } from '../volume';

/** `n` slices of `v` from slice `k0` on (voxel axis k), at the same place in space. */
export function slabOf(v: Volume, k0: number, n: number, name = 'slab.nii'): Volume {
  const [nx, ny] = v.dims;
  const data = v.data.slice(k0 * nx * ny, (k0 + n) * nx * ny);
  const a = Float64Array.from(v.affine);
  for (let r = 0; r < 3; r++) a[r * 4 + 3] += a[r * 4 + 2] * k0;
  return { ...v, name, dims: [nx, ny, n], data, affine: a };
}
