/**
 * Tiles for the conv3d filter gradient: each workgroup owns a slice of dW (all taps × a chunk of
 * input channels × a tile of output channels) and sums over a run of output blocks (split-K);
 * the partial sums of the runs are added by a second pass.
 */
import { ceilDiv, prod3, type Conv3DGeometry, type Vec3 } from '../conv3d-common/geometry';
import { workgroupBudgetFloats } from '../conv3d-common/options';
import { chooseBlock, haloExtent, splitChannels, type ChannelSplit, type KernelLimits } from '../conv3d-common/tiling';

export interface FilterGradTiling {
  block: Vec3;
  halo: Vec3;
  /** Input channels per workgroup, and per thread. */
  ck: number;
  rc: number;
  channels: ChannelSplit;
  /** Threads that split one block's voxels (each writes its own partial sum). */
  vs: number;
  workgroupSize: number;
  /** Runs of output blocks (splits) and blocks per run. */
  splits: number;
  blocksPerSplit: number;
  /** Output blocks per axis and in all. */
  nBlocks: Vec3;
  totalBlocks: number;
  /** Input-channel chunks (ceil(Cin / ck)). */
  chunks: number;
}

/** Workgroups the split-K aims for: enough to fill a large GPU, few enough to keep partials small. */
const TARGET_WORKGROUPS = 1024;
const MAX_PARTIAL_FLOATS = 16 * 1024 * 1024;

export function filterGradTiling(g: Conv3DGeometry, limits: KernelLimits): FilterGradTiling {
  const budget = workgroupBudgetFloats(limits.maxComputeWorkgroupStorageSize);
  const maxThreads = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  const channels = splitChannels(g.outChannels, 4, 16);
  const taps2 = g.kernel[0] * g.kernel[1];
  const haloOf = (b: Vec3) => [0, 1, 2].map((i) => haloExtent('forward', b[i], g.kernel[i], g.strides[i], g.dilations[i])) as Vec3;
  let ckMax = Math.min(g.inChannels, 8);
  for (;;) {
    const chunks = ceilDiv(g.inChannels, ckMax);
    const ck = ceilDiv(g.inChannels, chunks);
    const threads = taps2 * (ck % 2 === 0 ? ck / 2 : ck) * channels.threadsN;
    if (threads > maxThreads && ckMax > 1) {
      ckMax = Math.ceil(ckMax / 2);
      continue;
    }
    if (threads > maxThreads) throw new Error(`conv3d filter gradient: kernel ${g.kernel.join('×')} needs more threads per workgroup than the device allows`);
    let block = chooseBlock(g.outDims, 1, 64, haloOf);
    while (prod3(haloOf(block)) * ck > budget && prod3(block) > 1) {
      if (block[0] > 1) block = [Math.ceil(block[0] / 2), block[1], block[2]];
      else if (block[1] > 1) block = [1, Math.ceil(block[1] / 2), block[2]];
      else block = [1, 1, Math.ceil(block[2] / 2)];
    }
    if (prod3(haloOf(block)) * ck <= budget) return finishTiling(g, limits, channels, ck, chunks, block, haloOf(block));
    if (ckMax === 1) throw new Error(`conv3d filter gradient: kernel ${g.kernel.join('×')} with dilation ${g.dilations.join('×')} does not fit in workgroup memory`);
    ckMax = Math.ceil(ckMax / 2);
  }
}

function finishTiling(
  g: Conv3DGeometry,
  limits: KernelLimits,
  channels: ChannelSplit,
  ck: number,
  chunks: number,
  block: Vec3,
  halo: Vec3,
): FilterGradTiling {
  const maxThreads = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  const taps2 = g.kernel[0] * g.kernel[1];
  const rc = ck % 2 === 0 ? 2 : 1;
  const base = taps2 * (ck / rc) * channels.threadsN;
  const vs = Math.max(1, Math.min(Math.floor(64 / base), prod3(block), Math.floor(maxThreads / base)));
  const nBlocks = [0, 1, 2].map((i) => ceilDiv(g.outDims[i], block[i])) as Vec3;
  const totalBlocks = g.batch * prod3(nBlocks);
  const tiles = chunks * channels.tiles;
  const dwSize = prod3(g.kernel) * g.inChannels * g.outChannels;
  let splits = Math.min(totalBlocks, Math.max(1, Math.ceil(TARGET_WORKGROUPS / tiles)));
  splits = Math.max(1, Math.min(splits, Math.floor(MAX_PARTIAL_FLOATS / (dwSize * vs))));
  const blocksPerSplit = ceilDiv(totalBlocks, splits);
  splits = ceilDiv(totalBlocks, blocksPerSplit);
  return {
    block, halo, ck, rc, channels, vs, workgroupSize: base * vs,
    splits, blocksPerSplit, nBlocks, totalBlocks, chunks,
  };
}
