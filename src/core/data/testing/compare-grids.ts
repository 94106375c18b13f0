/** Test helper: compares two volumes voxel by voxel through their affines (any axis order or flips). */
import { invertAffine, multiply4 } from '../affine';
import type { Volume } from '../volume';

/**
 * The voxel map from `a` to `b` (index in b = M · index in a), required to be a signed axis
 * permutation with integer offsets within `tol` voxels; throws otherwise.
 */
export function indexMap(a: Volume, b: Volume, tol = 1e-3): Float64Array {
  const m = multiply4(invertAffine(b.affine), a.affine);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      const x = m[r * 4 + c];
      if (Math.abs(x - Math.round(x)) > tol) throw new Error(`grids are not aligned: map entry (${r},${c}) = ${x}`);
      m[r * 4 + c] = Math.round(x);
    }
  }
  return m;
}

/** Calls `f(ia, ib)` for every voxel ia of `a` with the voxel ib of `b` at the same world position (grids related by `indexMap`). */
export function forEachCorresponding(a: Volume, b: Volume, f: (ia: number, ib: number) => void): void {
  const m = indexMap(a, b);
  const [nx, ny, nz] = a.dims;
  const [bx, by] = b.dims;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const x = m[0] * i + m[1] * j + m[2] * k + m[3];
        const y = m[4] * i + m[5] * j + m[6] * k + m[7];
        const z = m[8] * i + m[9] * j + m[10] * k + m[11];
        f(i + nx * (j + ny * k), x + bx * (y + by * z));
      }
    }
  }
}

/** Number of voxels of `a` whose real value differs from `b` at the same world position. */
export function countDifferences(a: Volume, b: Volume, valueA: (i: number) => number, valueB: (i: number) => number): number {
  let diff = 0;
  forEachCorresponding(a, b, (ia, ib) => {
    if (valueA(ia) !== valueB(ib)) diff++;
  });
  return diff;
}
