/**
 * Connected components and hole filling on 0/1 masks, `mask[x + nx * (y + ny * z)]`.
 * 6-connectivity in 3-D, 4-connectivity within a slice: the conservative choice, so that two structures
 * touching only at an edge or a corner stay apart.
 */
import type { Vec3 } from '../data/volume';

export interface Components {
  /** Component index per voxel, 0 outside the mask, 1.. inside. */
  labels: Int32Array;
  /** sizes[c] = voxels of component c (sizes[0] = 0). */
  sizes: number[];
}

/** 6-connected components of a mask, by breadth-first flood fill with an explicit queue. */
export function connectedComponents(mask: Uint8Array, dims: Vec3): Components {
  const [nx, ny, nz] = dims;
  const sxy = nx * ny;
  const labels = new Int32Array(mask.length);
  const sizes = [0];
  const queue = new Int32Array(mask.length);
  for (let s = 0; s < mask.length; s++) {
    if (!mask[s] || labels[s]) continue;
    const c = sizes.length;
    let head = 0, tail = 0;
    queue[tail++] = s;
    labels[s] = c;
    while (head < tail) {
      const p = queue[head++];
      const x = p % nx, y = ((p - x) / nx) % ny, z = (p - x - nx * y) / sxy;
      let q: number;
      if (x > 0 && mask[(q = p - 1)] && !labels[q]) { labels[q] = c; queue[tail++] = q; }
      if (x < nx - 1 && mask[(q = p + 1)] && !labels[q]) { labels[q] = c; queue[tail++] = q; }
      if (y > 0 && mask[(q = p - nx)] && !labels[q]) { labels[q] = c; queue[tail++] = q; }
      if (y < ny - 1 && mask[(q = p + nx)] && !labels[q]) { labels[q] = c; queue[tail++] = q; }
      if (z > 0 && mask[(q = p - sxy)] && !labels[q]) { labels[q] = c; queue[tail++] = q; }
      if (z < nz - 1 && mask[(q = p + sxy)] && !labels[q]) { labels[q] = c; queue[tail++] = q; }
    }
    sizes.push(tail);
  }
  return { labels, sizes };
}

/** The largest 6-connected component (empty mask in, empty mask out). */
export function largestComponent(mask: Uint8Array, dims: Vec3): Uint8Array {
  const { labels, sizes } = connectedComponents(mask, dims);
  let best = 0;
  for (let c = 1; c < sizes.length; c++) if (sizes[c] > (sizes[best] ?? 0)) best = c;
  const out = new Uint8Array(mask.length);
  if (best) for (let i = 0; i < out.length; i++) out[i] = labels[i] === best ? 1 : 0;
  return out;
}

/**
 * Fills holes slice by slice along voxel axis `axis` (the axial one for a CT): background that cannot be
 * reached from the slice's border through background (4-connected) becomes mask. Per slice rather than in
 * 3-D because the lungs and the bowel open onto the top and bottom of a scan.
 */
export function fillHolesInSlices(mask: Uint8Array, dims: Vec3, axis: 0 | 1 | 2): Uint8Array {
  const strides = [1, dims[0], dims[0] * dims[1]];
  const [ua, va] = ([0, 1, 2] as const).filter((a) => a !== axis);
  const nu = dims[ua], nv = dims[va], su = strides[ua], sv = strides[va];
  const out = mask.slice();
  const seen = new Uint8Array(nu * nv);
  const queue = new Int32Array(nu * nv);
  for (let k = 0; k < dims[axis]; k++) {
    const base = k * strides[axis];
    seen.fill(0);
    let head = 0, tail = 0;
    const push = (u: number, v: number): void => {
      const i = u + nu * v;
      if (!seen[i] && !mask[base + u * su + v * sv]) { seen[i] = 1; queue[tail++] = i; }
    };
    for (let u = 0; u < nu; u++) { push(u, 0); push(u, nv - 1); }
    for (let v = 0; v < nv; v++) { push(0, v); push(nu - 1, v); }
    while (head < tail) {
      const i = queue[head++];
      const u = i % nu, v = (i - u) / nu;
      if (u > 0) push(u - 1, v);
      if (u < nu - 1) push(u + 1, v);
      if (v > 0) push(u, v - 1);
      if (v < nv - 1) push(u, v + 1);
    }
    for (let v = 0; v < nv; v++) for (let u = 0; u < nu; u++) if (!seen[u + nu * v]) out[base + u * su + v * sv] = 1;
  }
  return out;
}
