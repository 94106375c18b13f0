/**
 * Plain-TS reference of the patch-sampler program: the same inputs (concatenated image, packed labels,
 * per-patch parameter tables) and the same flat output, computed in float64 on the CPU.
 * Used for parity tests and as the sampler on backends without WebGPU.
 */
import {
  CONTEXT_FACTOR,
  GAMMA_FLOOR,
  LABELS_PER_WORD,
  MAX_LABEL,
  NO_LABELS,
  PATCH_FLOAT,
  PATCH_FLOAT_COLUMNS,
  PATCH_INT,
  PATCH_INT_COLUMNS,
  hashedNormal,
  patchSamplerLayout,
  type PatchSamplerSpec,
} from './patch-sampler.layout';

interface PatchView {
  m: Float64Array;
  c: [number, number, number];
  imageOffset: number;
  labelOffset: number;
  dims: [number, number, number];
  scale: number;
  shift: number;
  gamma: number;
  sigma: number;
  seed: number;
}

function patchView(pf: Float32Array, pi: Int32Array, p: number): PatchView {
  const f = p * PATCH_FLOAT_COLUMNS;
  const i = p * PATCH_INT_COLUMNS;
  return {
    m: Float64Array.from(pf.subarray(f + PATCH_FLOAT.matrix, f + PATCH_FLOAT.matrix + 9)),
    c: [pf[f + PATCH_FLOAT.centre], pf[f + PATCH_FLOAT.centre + 1], pf[f + PATCH_FLOAT.centre + 2]],
    imageOffset: pi[i + PATCH_INT.imageOffset],
    labelOffset: pi[i + PATCH_INT.labelOffset],
    dims: [pi[i + PATCH_INT.dims], pi[i + PATCH_INT.dims + 1], pi[i + PATCH_INT.dims + 2]],
    scale: pf[f + PATCH_FLOAT.scale],
    shift: pf[f + PATCH_FLOAT.shift],
    gamma: pf[f + PATCH_FLOAT.gamma],
    sigma: pf[f + PATCH_FLOAT.noiseSigma],
    seed: pi[i + PATCH_INT.noiseSeed] >>> 0,
  };
}

function source(v: PatchView, ux: number, uy: number, uz: number): [number, number, number] {
  const m = v.m;
  return [
    v.c[0] + (m[0] * ux + m[1] * uy + m[2] * uz),
    v.c[1] + (m[3] * ux + m[4] * uy + m[5] * uz),
    v.c[2] + (m[6] * ux + m[7] * uy + m[8] * uz),
  ];
}

function makeSampler(image: Float32Array, air: number) {
  return (v: PatchView, x: [number, number, number]): number => {
    const [nx, ny, nz] = v.dims;
    const at = (i: number, j: number, k: number): number =>
      i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz ? air : image[v.imageOffset + i + nx * (j + ny * k)];
    const fx = Math.floor(x[0]);
    const fy = Math.floor(x[1]);
    const fz = Math.floor(x[2]);
    const tx = x[0] - fx;
    const ty = x[1] - fy;
    const tz = x[2] - fz;
    const c00 = at(fx, fy, fz) * (1 - tx) + at(fx + 1, fy, fz) * tx;
    const c10 = at(fx, fy + 1, fz) * (1 - tx) + at(fx + 1, fy + 1, fz) * tx;
    const c01 = at(fx, fy, fz + 1) * (1 - tx) + at(fx + 1, fy, fz + 1) * tx;
    const c11 = at(fx, fy + 1, fz + 1) * (1 - tx) + at(fx + 1, fy + 1, fz + 1) * tx;
    const c0 = c00 * (1 - ty) + c10 * ty;
    const c1 = c01 * (1 - ty) + c11 * ty;
    return c0 * (1 - tz) + c1 * tz;
  };
}

function labelAt(labels: Int32Array, v: PatchView, x: [number, number, number]): number {
  if (v.labelOffset === NO_LABELS) return 0;
  const [nx, ny, nz] = v.dims;
  const i = Math.floor(x[0] + 0.5);
  const j = Math.floor(x[1] + 0.5);
  const k = Math.floor(x[2] + 0.5);
  if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return 0;
  const voxel = v.labelOffset + i + nx * (j + ny * k);
  const word = labels[Math.floor(voxel / LABELS_PER_WORD)] >>> 0;
  return (word >>> (8 * (voxel % LABELS_PER_WORD))) & MAX_LABEL;
}

function photometric(v: PatchView, value: number, index: number, spec: PatchSamplerSpec): number {
  let r = value;
  if (v.gamma !== 1) {
    const lo = spec.valueMin;
    const hi = spec.valueMax;
    const s = Math.max(Math.min(Math.max((r - lo) / (hi - lo), 0), 1), GAMMA_FLOOR);
    r = lo + (hi - lo) * Math.pow(s, v.gamma);
  }
  r = r * v.scale + v.shift;
  if (v.sigma > 0) r += v.sigma * hashedNormal(v.seed, index);
  return r;
}

/** Calls `fn(p, x, y, z, flatIndex)` for every voxel of `batch` cubes of side n, x fastest, from `start`. */
function forEachCell(batch: number, n: number, start: number, fn: (p: number, x: number, y: number, z: number, index: number) => void): void {
  let index = start;
  for (let p = 0; p < batch; p++) {
    for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) fn(p, x, y, z, index++);
  }
}

/** The flat output of the patch-sampler program for the same inputs (see patch-sampler.layout.ts). */
export function patchSamplerReference(
  image: Float32Array,
  labels: Int32Array,
  patchF: Float32Array,
  patchI: Int32Array,
  spec: PatchSamplerSpec,
): Float32Array {
  const layout = patchSamplerLayout(spec);
  const out = new Float32Array(layout.total);
  const views = Array.from({ length: spec.batch }, (_, p) => patchView(patchF, patchI, p));
  const sample = makeSampler(image, spec.air);
  const o = spec.outputSize;
  const half = o / 2;
  const fullShift = half + spec.rFull;
  forEachCell(spec.batch, layout.fullSize, 0, (p, x, y, z, index) => {
    const v = views[p];
    out[index] = photometric(v, sample(v, source(v, x - fullShift, y - fullShift, z - fullShift)), index, spec);
  });
  const ctxShift = 1.5 - (half + CONTEXT_FACTOR * spec.rContext);
  forEachCell(spec.batch, layout.contextSize, layout.fullCount, (p, x, y, z, index) => {
    const v = views[p];
    const bx = CONTEXT_FACTOR * x + ctxShift;
    const by = CONTEXT_FACTOR * y + ctxShift;
    const bz = CONTEXT_FACTOR * z + ctxShift;
    let sum = 0;
    for (let dz = -1; dz <= 1; dz += 2) {
      for (let dy = -1; dy <= 1; dy += 2) {
        for (let dx = -1; dx <= 1; dx += 2) sum += sample(v, source(v, bx + dx, by + dy, bz + dz));
      }
    }
    out[index] = photometric(v, sum * 0.125, index, spec);
  });
  if (spec.withLabels) {
    forEachCell(spec.batch, o, layout.fullCount + layout.contextCount, (p, x, y, z, index) => {
      const v = views[p];
      out[index] = labelAt(labels, v, source(v, x - half, y - half, z - half));
    });
  }
  return out;
}
