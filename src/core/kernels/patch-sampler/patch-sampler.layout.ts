/**
 * The single source of every constant shared by the patch-sampler WGSL program, its plain-TS
 * reference and the code that packs per-patch parameters. The WGSL text is generated from these.
 *
 * One dispatch writes a flat float32 output made of three consecutive blocks:
 *   [N·F³ full-res inputs][N·C³ context inputs][N·O³ labels (only when labels are requested)]
 * each block NDHWC with x fastest: full `[N, F, F, F, 1]`, context `[N, C, C, C, 1]`, labels `[N, O, O, O]`,
 * with F = O + 2·rFull and C = O/4 + 2·rContext (docs/DESIGN.md, "Geometry of a training patch").
 */
import { WorkbenchError } from '../../errors';
import { pcgHash } from '../common/wgsl';

export { PCG, pcgHash } from '../common/wgsl';

/** Down-sampling factor of the context path. */
export const CONTEXT_FACTOR = 4;

/** Columns of the float32 per-patch parameter table `[N, PATCH_FLOAT_COLUMNS]`. */
export const PATCH_FLOAT = {
  /** 3×3 matrix M, row-major: source voxel = centre + M · u (u in patch voxels, x,y,z). */
  matrix: 0,
  /** Centre c (x, y, z) in source voxels. */
  centre: 9,
  /** Photometric: v ← v·scale + shift (after gamma). */
  scale: 12,
  shift: 13,
  /** Photometric: gamma on the value range mapped to [0, 1]; 1 = off. */
  gamma: 14,
  /** Photometric: σ of additive Gaussian noise; 0 = off. */
  noiseSigma: 15,
} as const;
export const PATCH_FLOAT_COLUMNS = 16;

/** Columns of the int32 per-patch parameter table `[N, PATCH_INT_COLUMNS]`. */
export const PATCH_INT = {
  /** Element offset of the volume in the concatenated image buffer. */
  imageOffset: 0,
  /** Voxel offset of the volume in the concatenated (packed) label buffer, or NO_LABELS. */
  labelOffset: 1,
  /** Volume size (nx, ny, nz). */
  dims: 2,
  /** Seed of the per-patch noise stream (a uint32 bit pattern). */
  noiseSeed: 5,
} as const;
export const PATCH_INT_COLUMNS = 8;

/** Label offset meaning "this volume has no labels: read 0". */
export const NO_LABELS = -1;

/** Labels are packed four 8-bit classes per 32-bit word, voxel v in byte v % 4 of word v / 4. */
export const LABELS_PER_WORD = 4;
export const MAX_LABEL = 255;

/**
 * M is rounded to multiples of 2^-MATRIX_QUANTUM_BITS. With patch offsets that are multiples of 1/2,
 * every product M·u and every sum c + M·u is then exact in float32 for |coordinates| < 2^13, so the
 * GPU (with or without fused multiply-add) and the reference compute the same source coordinates bit
 * for bit, and nearest-neighbour labels agree exactly. The rounding (< 0.001) is far below augmentation noise.
 */
export const MATRIX_QUANTUM_BITS = 10;
/** Largest |source coordinate| for which the exactness above holds. */
export const MAX_EXACT_COORDINATE = 2 ** (24 - MATRIX_QUANTUM_BITS - 1);
/** Largest volume side: leaves half of the exact range for patch offsets (|M·u| < 2^12). */
export const MAX_VOLUME_SIDE = MAX_EXACT_COORDINATE / 2;
/** Largest patch half-extent in voxels, so that |M·u| stays < 2^12 even with M entries up to 4. */
export const MAX_PATCH_REACH = 256;
/** Largest |M entry| (a patch voxel spans at most 4 source voxels along any axis). */
export const MAX_MATRIX_ENTRY = 4;

export function quantizeMatrixEntry(v: number): number {
  const q = 2 ** MATRIX_QUANTUM_BITS;
  return Math.round(v * q) / q;
}

/** What one dispatch cuts; all sizes in voxels. */
export interface PatchSamplerSpec {
  batch: number;
  /** O: the output block side, a multiple of 4. */
  outputSize: number;
  rFull: number;
  rContext: number;
  withLabels: boolean;
  /** Value read outside a volume (the scaled clamp minimum). */
  air: number;
  /** Value range used by gamma (mapped to [0, 1] and back). */
  valueMin: number;
  valueMax: number;
}

export interface PatchSamplerLayout {
  fullSize: number;
  contextSize: number;
  fullCount: number;
  contextCount: number;
  labelCount: number;
  total: number;
}

export function patchSamplerLayout(spec: PatchSamplerSpec): PatchSamplerLayout {
  const { batch, outputSize: o, rFull, rContext } = spec;
  if (!Number.isInteger(o) || o <= 0 || o % CONTEXT_FACTOR !== 0) {
    throw new WorkbenchError('bad-argument', `The patch output size must be a positive multiple of ${CONTEXT_FACTOR}; got ${o}.`);
  }
  if (!Number.isInteger(rFull) || rFull < 0 || !Number.isInteger(rContext) || rContext < 0) {
    throw new WorkbenchError('bad-argument', `Receptive-field radii must be whole numbers ≥ 0; got rFull ${rFull}, rContext ${rContext}.`);
  }
  if (!Number.isInteger(batch) || batch <= 0) {
    throw new WorkbenchError('bad-argument', `A patch batch needs at least one patch; got ${batch}.`);
  }
  const reach = o / 2 + Math.max(rFull, CONTEXT_FACTOR * rContext) + 2;
  if (reach > MAX_PATCH_REACH) {
    throw new WorkbenchError('too-large', `A patch reaching ${reach} voxels from its centre (O = ${o}, rFull ${rFull}, rContext ${rContext}) exceeds the sampler's ${MAX_PATCH_REACH}; use a smaller output size.`);
  }
  const fullSize = o + 2 * rFull;
  const contextSize = o / CONTEXT_FACTOR + 2 * rContext;
  const fullCount = batch * fullSize ** 3;
  const contextCount = batch * contextSize ** 3;
  const labelCount = spec.withLabels ? batch * o ** 3 : 0;
  return { fullSize, contextSize, fullCount, contextCount, labelCount, total: fullCount + contextCount + labelCount };
}

/** WGSL `const` declarations generated from the tables above. */
export function wgslLayoutConstants(): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(PATCH_FLOAT)) lines.push(`const PF_${k.toUpperCase()} : i32 = ${v};`);
  for (const [k, v] of Object.entries(PATCH_INT)) lines.push(`const PI_${k.toUpperCase()} : i32 = ${v};`);
  lines.push(`const PF_COLUMNS : i32 = ${PATCH_FLOAT_COLUMNS};`);
  lines.push(`const PI_COLUMNS : i32 = ${PATCH_INT_COLUMNS};`);
  lines.push(`const NO_LABELS : i32 = ${NO_LABELS};`);
  lines.push(`const LABELS_PER_WORD : i32 = ${LABELS_PER_WORD};`);
  lines.push(`const LABEL_MASK : u32 = ${MAX_LABEL}u;`);
  lines.push(`const CONTEXT_FACTOR : i32 = ${CONTEXT_FACTOR};`);
  return lines.join('\n');
}

/** Uniform variates use the top NOISE_BITS bits of a hash, exactly representable in float32. */
export const NOISE_BITS = 24;

/** Standard normal variate for output element `index` of the stream `seed` (Box–Muller on two hashes). */
export function hashedNormal(seed: number, index: number): number {
  const scale = 2 ** -NOISE_BITS;
  const h1 = pcgHash((seed ^ pcgHash((2 * index) >>> 0)) >>> 0);
  const h2 = pcgHash((seed ^ pcgHash((2 * index + 1) >>> 0)) >>> 0);
  const u1 = ((h1 >>> (32 - NOISE_BITS)) + 0.5) * scale;
  const u2 = (h2 >>> (32 - NOISE_BITS)) * scale;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Gamma floor: pow(0, γ) is undefined in WGSL, so normalised values are kept ≥ this. */
export const GAMMA_FLOOR = 1e-12;
