/**
 * Post-processing of predicted label maps on the CPU: keep the largest connected component of
 * each class. Labels are laid out `labels[i + nx*(j + ny*k)]` (the NDHWC tensor `[1, nz, ny, nx, 1]`).
 */
import { WorkbenchError } from '../errors';

export type LabelArray = Uint8Array | Uint16Array | Int16Array | Int32Array | Uint32Array;

export interface LargestComponentOptions {
  /** 26 (faces, edges and corners touch; default) or 6 (faces only). */
  connectivity?: 26 | 6;
  /** Classes to clean; other classes are left as they are. Default: every class except 0. */
  classes?: number[];
}

/** Offsets (di, dj, dk) of the neighbours that come earlier in scan order. */
function backwardNeighbours(connectivity: 26 | 6): [number, number, number][] {
  if (connectivity === 6) return [[-1, 0, 0], [0, -1, 0], [0, 0, -1]];
  const out: [number, number, number][] = [];
  for (let dk = -1; dk <= 0; dk++) {
    for (let dj = -1; dj <= 1; dj++) {
      for (let di = -1; di <= 1; di++) {
        if (dk === 0 && (dj > 0 || (dj === 0 && di >= 0))) continue;
        out.push([di, dj, dk]);
      }
    }
  }
  return out; // 13 for 26-connectivity
}

function find(parent: Int32Array, p: number): number {
  while (parent[p] !== p) {
    parent[p] = parent[parent[p]]; // path halving
    p = parent[p];
  }
  return p;
}

/** Joins the trees of p and q; the earlier voxel becomes the root, so roots stay first in scan order. */
function union(parent: Int32Array, p: number, q: number): void {
  const rp = find(parent, p);
  const rq = find(parent, q);
  if (rp < rq) parent[rq] = rp;
  else if (rq < rp) parent[rp] = rq;
}

function classMask(labels: LabelArray, classes: number[] | undefined): { selected: Uint8Array; maxLabel: number } {
  let maxLabel = 0;
  for (let p = 0; p < labels.length; p++) if (labels[p] > maxLabel) maxLabel = labels[p];
  if (maxLabel > 1 << 24) throw new WorkbenchError('bad-argument', `largestComponentPerClass: label ${maxLabel} is too large; expected class numbers below 16,777,216.`);
  const selected = new Uint8Array(maxLabel + 1);
  if (classes) for (const c of classes) if (c > 0 && c <= maxLabel) selected[c] = 1;
  if (!classes) selected.fill(1, 1);
  return { selected, maxLabel };
}

/** Union-find over same-class neighbours; returns the parent forest (−1 for voxels not processed). */
function unionComponents(labels: LabelArray, dims: [number, number, number], selected: Uint8Array, connectivity: 26 | 6): Int32Array {
  const [nx, ny, nz] = dims;
  const parent = new Int32Array(labels.length).fill(-1);
  const offsets = backwardNeighbours(connectivity);
  const delta = offsets.map(([di, dj, dk]) => di + nx * (dj + ny * dk));
  let p = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, p++) {
        const c = labels[p];
        if (c <= 0 || !selected[c]) continue;
        parent[p] = p;
        const interior = i > 0 && i < nx - 1 && j > 0 && j < ny - 1 && k > 0;
        for (let n = 0; n < offsets.length; n++) {
          if (!interior) {
            const o = offsets[n];
            const ii = i + o[0], jj = j + o[1], kk = k + o[2];
            if (ii < 0 || ii >= nx || jj < 0 || jj >= ny || kk < 0) continue;
          }
          const q = p + delta[n];
          if (labels[q] === c) union(parent, p, q);
        }
      }
    }
  }
  return parent;
}

/**
 * Keeps, for each selected class, only its largest connected component (by voxel count; ties go
 * to the component that starts first in scan order) and sets the other components to 0.
 * Returns a new array of the same type; the input is not changed.
 */
export function largestComponentPerClass<T extends LabelArray>(
  labels: T,
  dims: [number, number, number],
  opts: LargestComponentOptions = {},
): T {
  const n = dims[0] * dims[1] * dims[2];
  if (labels.length !== n) {
    throw new WorkbenchError('bad-argument', `largestComponentPerClass: ${labels.length} labels do not fill a ${dims.join('×')} grid (${n} voxels).`);
  }
  const { selected, maxLabel } = classMask(labels, opts.classes);
  const parent = unionComponents(labels, dims, selected, opts.connectivity ?? 26);
  const size = new Int32Array(n);
  for (let p = 0; p < n; p++) if (parent[p] >= 0) size[find(parent, p)]++;
  const bestRoot = new Int32Array(maxLabel + 1).fill(-1);
  const bestSize = new Int32Array(maxLabel + 1);
  for (let p = 0; p < n; p++) {
    if (parent[p] !== p) continue;
    const c = labels[p];
    if (size[p] > bestSize[c]) {
      bestSize[c] = size[p];
      bestRoot[c] = p;
    }
  }
  const out = labels.slice() as T;
  for (let p = 0; p < n; p++) {
    if (parent[p] >= 0 && parent[p] !== bestRoot[labels[p]] && find(parent, p) !== bestRoot[labels[p]]) out[p] = 0;
  }
  return out;
}
