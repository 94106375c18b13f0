/**
 * Tile sizes for the conv3d kernels, chosen per shape from the device's limits (never assumed).
 * All sizes are compile-time constants of the generated WGSL and part of its shader key.
 */
import { ceilDiv, prod3, type Vec3 } from './geometry';
import { resolveTuning, workgroupBudgetFloats } from './options';

/** Where source voxels are read from: a workgroup-memory halo, or the storage buffer directly. */
export type Staging = 'workgroup' | 'global';

export interface KernelLimits {
  /** Bytes of workgroup memory one workgroup may use. */
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupsPerDimension: number;
  /** A CPU adapter (SwiftShader, llvmpipe, WARP): changes what is fast (see options.ts). */
  software?: boolean;
}

/** WebGPU's guaranteed minimums; used when a backend does not tell. */
export const DEFAULT_LIMITS: KernelLimits = {
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupsPerDimension: 65535,
};

/** How output channels are split: `tiles` tiles of `threadsN` threads, each `rnv` vec4 (4·rnv channels). */
export interface ChannelSplit {
  tiles: number;
  threadsN: number;
  rnv: number;
}

/** Splits `channels` into vec4 groups per thread with the least padding (prefers more per thread). */
export function splitChannels(channels: number, maxRnv: number, maxVec4PerTile: number): ChannelSplit {
  const c4 = ceilDiv(channels, 4);
  const tiles = ceilDiv(c4, maxVec4PerTile);
  const perTile = ceilDiv(c4, tiles);
  let best: ChannelSplit = { tiles, threadsN: perTile, rnv: 1 };
  for (let rnv = 2; rnv <= Math.min(maxRnv, perTile); rnv++) {
    const threadsN = ceilDiv(perTile, rnv);
    if (threadsN * rnv <= best.threadsN * best.rnv) best = { tiles, threadsN, rnv };
  }
  return best;
}

/** Largest channel chunk whose per-channel cost fits the budget, split evenly over the channels. */
export function chunkChannels(channels: number, floatsPerChannel: number, fixedFloats: number, budgetFloats: number): number {
  const max = Math.floor((budgetFloats - fixedFloats) / floatsPerChannel);
  if (max < 1) return 0;
  const chunks = ceilDiv(channels, Math.min(max, channels));
  return ceilDiv(channels, chunks);
}

export type HaloMode = 'forward' | 'input-unit-stride' | 'input-strided';

/** Spatial extent (per axis) of source voxels one output block reads. */
export function haloExtent(mode: HaloMode, block: number, k: number, s: number, d: number): number {
  if (mode === 'forward') return (block - 1) * s + (k - 1) * d + 1;
  if (mode === 'input-unit-stride') return block + k - 1;
  return Math.floor((block + k - 2) / s) + 2;
}

export interface HaloConvTiling {
  /** Output voxels per workgroup (D, H, W); W is a multiple of `rm`. */
  block: Vec3;
  /** Consecutive output voxels along W per thread. */
  rm: number;
  channels: ChannelSplit;
  /** Reduction channels staged in workgroup memory per step. */
  ck: number;
  halo: Vec3;
  workgroupSize: number;
  staging: Staging;
}

export interface HaloConvShape {
  mode: HaloMode;
  reduceChannels: number;
  outChannels: number;
  outDims: Vec3;
  kernel: Vec3;
  strides: Vec3;
  dilations: Vec3;
}

/**
 * Output block per workgroup: little padding past the output edge, a small halo relative to the
 * block, and at most `maxVoxelThreads` threads along the voxels.
 */
export function chooseBlock(outDims: Vec3, rm: number, maxVoxelThreads: number, haloOf: (b: Vec3) => Vec3): Vec3 {
  let best: Vec3 = [1, 1, rm];
  let bestCost = Infinity;
  for (let bd = 1; bd <= Math.min(4, outDims[0]); bd++)
    for (let bh = 1; bh <= Math.min(4, outDims[1]); bh++)
      for (const tw of [1, 2, 4]) {
        const bw = tw * rm;
        if (tw > 1 && bw > outDims[2] + rm) continue;
        const threads = bd * bh * tw;
        if (threads > maxVoxelThreads) continue;
        const block: Vec3 = [bd, bh, bw];
        const padded = [0, 1, 2].map((i) => Math.ceil(outDims[i] / block[i]) * block[i]);
        const waste = (padded[0] * padded[1] * padded[2]) / prod3(outDims);
        const haloRatio = prod3(haloOf(block)) / prod3(block);
        // A staged source value costs about as much as a few multiply-adds of one voxel's channels;
        // tiny workgroups (under 16 voxel threads) leave GPU lanes idle.
        const cost = waste * (1 + 0.05 * haloRatio) * (threads < 16 ? 1 + (16 - threads) / 32 : 1);
        if (cost < bestCost - 1e-9) {
          best = block;
          bestCost = cost;
        }
      }
  return best;
}

/**
 * Output voxels along W per thread. GPUs: 4 (register pressure). CPU adapters: 4 to 12, since there
 * every filter load is a per-lane gather and more voxels per thread reuse it more; the choice
 * weighs the row's padding against that reuse (cost ∝ padded row × (1 + 4/rm)).
 */
export function chooseRm(ow: number, cpu: boolean): number {
  if (ow < 4) return ow >= 2 ? 2 : 1;
  if (!cpu) return 4;
  let best = 4;
  let bestCost = Infinity;
  for (const rm of [16, 14, 12, 10, 8, 6, 4]) {
    const cost = Math.ceil(ow / rm) * rm * (1 + 4 / rm);
    if (cost < bestCost - 1e-9) {
      best = rm;
      bestCost = cost;
    }
  }
  return best;
}

/** Tiles for the forward / backprop-input kernel (one output block × a channel tile per workgroup). */
export function haloConvTiling(p: HaloConvShape, limits: KernelLimits): HaloConvTiling {
  const budget = workgroupBudgetFloats(limits.maxComputeWorkgroupStorageSize);
  const cpu = resolveTuning(limits.software) === 'cpu';
  const rm = chooseRm(p.outDims[2], cpu);
  // Under 4 output channels a staged value feeds too few multiply-adds to pay for staging.
  const staging: Staging = p.mode === 'input-strided' ? 'workgroup' : cpu || p.outChannels < 4 ? 'global' : 'workgroup';
  let maxVec4 = 16;
  for (;;) {
    const channels = splitChannels(p.outChannels, cpu ? 5 : 4, maxVec4);
    const maxThreads = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
    const haloOf = (b: Vec3) => [0, 1, 2].map((i) => haloExtent(p.mode, b[i], p.kernel[i], p.strides[i], p.dilations[i])) as Vec3;
    let block = chooseBlock(p.outDims, rm, Math.max(1, Math.floor(Math.min(64, maxThreads / channels.threadsN))), haloOf);
    for (;;) {
      const halo = haloOf(block);
      const ck = staging === 'global' ? p.reduceChannels : chunkChannels(p.reduceChannels, prod3(halo), 0, budget);
      if (ck > 0) {
        const workgroupSize = block[0] * block[1] * (block[2] / rm) * channels.threadsN;
        return { block, rm, channels, ck, halo, workgroupSize, staging };
      }
      if (block[0] > 1) block = [Math.ceil(block[0] / 2), block[1], block[2]];
      else if (block[1] > 1) block = [1, Math.ceil(block[1] / 2), block[2]];
      else if (block[2] > rm) block = [1, 1, Math.max(rm, Math.ceil(block[2] / 2 / rm) * rm)];
      else break;
    }
    if (maxVec4 === 1) throw new Error(`conv3d kernel ${p.kernel.join('×')} does not fit in ${budget * 4} bytes of workgroup memory`);
    maxVec4 = Math.max(1, maxVec4 >> 1);
  }
}

/** Splits `count` workgroups over up to two dispatch dimensions. */
export function dispatch2d(count: number, maxPerDim: number): [number, number, number] {
  const x = Math.min(count, maxPerDim);
  const y = ceilDiv(count, x);
  if (y > maxPerDim) throw new Error(`conv3d needs ${count} workgroups, more than this device can dispatch`);
  return [x, y, 1];
}
