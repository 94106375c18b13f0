/**
 * Where the sliding window puts its tiles, how it blends them, and how large a tile the device allows.
 *
 * Tile starts are multiples of 4 (the context factor) so that every tile sees the context grid in the
 * same phase as a whole-volume pass would: the tiled result then equals running the network on the
 * whole volume at once (up to blending round-off). The last tile may reach ≤ 3 voxels past the volume.
 */
import type { Device, DeviceLimits } from '../backend/device';
import type { Vec3 } from '../data/volume';
import { WorkbenchError } from '../errors';
import { CONTEXT_FACTOR } from '../kernels/patch-sampler/patch-sampler.layout';

export type BlendMode = 'constant' | 'gaussian';

/** Starts along one axis of n voxels for tiles of side t (a multiple of 4) overlapping by `overlap` ∈ [0, 1). */
export function tileStarts(n: number, t: number, overlap: number): number[] {
  if (!(overlap >= 0 && overlap < 1)) throw new WorkbenchError('bad-argument', `Sliding-window overlap must lie in [0, 1); got ${overlap}.`);
  if (n <= t) return [0];
  const stride = Math.max(CONTEXT_FACTOR, Math.floor((t * (1 - overlap)) / CONTEXT_FACTOR) * CONTEXT_FACTOR);
  const starts: number[] = [];
  for (let s = 0; s + t < n; s += stride) starts.push(s);
  const last = Math.ceil((n - t) / CONTEXT_FACTOR) * CONTEXT_FACTOR;
  if (starts.length === 0 || starts[starts.length - 1] < last) starts.push(last);
  return starts;
}

export interface TilePlan {
  tileSize: number;
  /** Tile origins (x, y, z), grouped by z start ascending (x fastest within a group). */
  origins: Vec3[];
  zStarts: number[];
}

export function planTiles(dims: Vec3, tileSize: number, overlap: number): TilePlan {
  if (!Number.isInteger(tileSize) || tileSize < CONTEXT_FACTOR || tileSize % CONTEXT_FACTOR !== 0) {
    throw new WorkbenchError('bad-argument', `The sliding-window tile size must be a positive multiple of ${CONTEXT_FACTOR}; got ${tileSize}.`);
  }
  const [xs, ys, zs] = dims.map((n) => tileStarts(n, tileSize, overlap));
  const origins: Vec3[] = [];
  for (const z of zs) for (const y of ys) for (const x of xs) origins.push([x, y, z]);
  return { tileSize, origins, zStarts: zs };
}

/**
 * 1-D blending weights over a tile of side t; the 3-D weight is their product. `constant`: all 1.
 * `gaussian`: exp(−d²/2σ²) with d the distance to the tile centre and σ = sigmaScale·t (MONAI's default 0.125).
 */
export function blendWeights1d(t: number, mode: BlendMode, sigmaScale = 0.125): Float32Array {
  const w = new Float32Array(t);
  if (mode === 'constant') return w.fill(1);
  const sigma = sigmaScale * t;
  const c = (t - 1) / 2;
  for (let i = 0; i < t; i++) w[i] = Math.exp(-((i - c) ** 2) / (2 * sigma * sigma));
  return w;
}

/** The WebGPU guaranteed minimum, used when the backend reports no limits (WebGL, CPU). */
const FALLBACK_BINDING_BYTES = 128 * 2 ** 20;

export interface TileSizeRequest {
  limits?: Pick<DeviceLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize'>;
  rFull: number;
  rContext: number;
  /** Channels of the widest full-resolution activation (e.g. the largest conv width). */
  widestChannels: number;
  numClasses: number;
  /** Tiles per predictor call. Default 1. */
  batchSize?: number;
  /** No tile larger than needed to cover this volume in one go. */
  volumeDims?: Vec3;
  /** Upper bound regardless of memory. Default 128. */
  maxTile?: number;
  /** Share of the largest buffer one activation may take. Default 0.5. */
  bufferFraction?: number;
}

/**
 * The largest tile output size (a multiple of 4) whose biggest activation, (T + 2·rFull)³ × widestChannels
 * floats per tile, fits in `bufferFraction` of the device's largest storage buffer binding.
 */
export function chooseTileSize(r: TileSizeRequest): number {
  const limitBytes = r.limits ? Math.min(r.limits.maxStorageBufferBindingSize, r.limits.maxBufferSize) : FALLBACK_BINDING_BYTES;
  const budget = limitBytes * (r.bufferFraction ?? 0.5);
  const batch = r.batchSize ?? 1;
  const widest = Math.max(r.widestChannels, r.numClasses, 1);
  let cap = r.maxTile ?? 128;
  if (r.volumeDims) cap = Math.min(cap, Math.ceil(Math.max(...r.volumeDims) / CONTEXT_FACTOR) * CONTEXT_FACTOR);
  let best = CONTEXT_FACTOR;
  for (let t = CONTEXT_FACTOR; t <= cap; t += CONTEXT_FACTOR) {
    const fullBytes = batch * (t + 2 * r.rFull) ** 3 * widest * 4;
    const contextBytes = batch * (t / CONTEXT_FACTOR + 2 * r.rContext) ** 3 * widest * 4;
    if (Math.max(fullBytes, contextBytes) > budget) break;
    best = t;
  }
  return best;
}

/** `chooseTileSize` with the limits of `device` (none off WebGPU: the fallback binding size). */
export function chooseTileSizeForDevice(device: Device, r: Omit<TileSizeRequest, 'limits'>): number {
  return chooseTileSize({ ...r, limits: device.limits });
}
