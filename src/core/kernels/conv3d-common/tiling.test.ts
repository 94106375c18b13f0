/**
 * Tile choices stay inside the device limits they are given (workgroup memory, invocations,
 * dispatch size) for the paper's shapes and odd ones, under WebGPU's minimum limits and larger ones,
 * tuned for GPUs and for CPU adapters. Pure TypeScript: no GPU needed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { filterGradTiling } from '../conv3d-backprop-filter/filter-tiling';
import { rowsTiling } from '../conv3d-backprop-filter/conv3d-backprop-filter.rows.program';
import { conv3dGeometry, prod3, type Conv3DPad, type Vec3 } from './geometry';
import { configureConv3DKernels } from './options';
import { chooseRm, DEFAULT_LIMITS, haloConvTiling, splitChannels, type KernelLimits } from './tiling';

const LIMITS: Record<string, KernelLimits> = {
  'WebGPU minimum': DEFAULT_LIMITS,
  'SwiftShader / H100 (32 KiB, 256 invocations)': { ...DEFAULT_LIMITS, maxComputeWorkgroupStorageSize: 32768, software: true },
  '64 KiB, 1024 invocations': { ...DEFAULT_LIMITS, maxComputeWorkgroupStorageSize: 65536, maxComputeInvocationsPerWorkgroup: 1024, maxComputeWorkgroupSizeX: 1024 },
};

const SHAPES: { x: number[]; w: number[]; s?: Vec3; d?: Vec3; pad?: Conv3DPad }[] = [
  { x: [12, 46, 46, 46, 1], w: [3, 3, 3, 1, 12] },
  { x: [12, 24, 24, 24, 32], w: [3, 3, 3, 32, 40] },
  { x: [24, 18, 18, 18, 40], w: [3, 3, 3, 40, 40] },
  { x: [1, 6, 6, 6, 40], w: [3, 3, 3, 40, 40] },
  { x: [12, 16, 16, 16, 80], w: [1, 1, 1, 80, 150] },
  { x: [2, 9, 9, 9, 3], w: [5, 5, 5, 3, 7], s: [2, 2, 2], pad: 'same' },
  { x: [1, 20, 20, 20, 8], w: [3, 3, 3, 8, 8], d: [4, 4, 4] },
];

describe('conv3d tiling respects device limits', () => {
  afterEach(() => configureConv3DKernels({ tuneFor: 'auto' }));

  for (const [limitName, limits] of Object.entries(LIMITS))
    for (const tuneFor of ['gpu', 'cpu'] as const)
      it.each(SHAPES)(`${limitName}, tuned for ${tuneFor}: x $x, w $w`, (sh) => {
        configureConv3DKernels({ tuneFor });
        const g = conv3dGeometry(sh.x, sh.w, sh.s ?? 1, sh.d ?? 1, sh.pad ?? 'valid');
        const maxThreads = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
        const unit = g.strides.every((v) => v === 1);
        const modes = [
          { mode: 'forward' as const, outDims: g.outDims, rc: g.inChannels, oc: g.outChannels },
          ...(g.dilations.every((v) => v === 1)
            ? [{ mode: unit ? ('input-unit-stride' as const) : ('input-strided' as const), outDims: g.inDims, rc: g.outChannels, oc: g.inChannels }]
            : []),
        ];
        for (const m of modes) {
          const t = haloConvTiling(
            { mode: m.mode, reduceChannels: m.rc, outChannels: m.oc, outDims: m.outDims, kernel: g.kernel, strides: g.strides, dilations: g.dilations },
            limits,
          );
          expect(t.workgroupSize).toBeLessThanOrEqual(maxThreads);
          expect(t.block[2] % t.rm).toBe(0);
          const shared = t.staging === 'workgroup' ? t.ck * prod3(t.halo) * 4 : 0;
          expect(shared).toBeLessThanOrEqual(limits.maxComputeWorkgroupStorageSize);
          expect(t.channels.tiles * t.channels.threadsN * t.channels.rnv * 4).toBeGreaterThanOrEqual(m.oc);
        }
        const f = filterGradTiling(g, limits);
        expect(f.workgroupSize).toBeLessThanOrEqual(maxThreads);
        expect(f.ck * prod3(f.halo) * 4).toBeLessThanOrEqual(limits.maxComputeWorkgroupStorageSize);
        expect(f.splits * f.blocksPerSplit).toBeGreaterThanOrEqual(f.totalBlocks);
        const r = rowsTiling(g, limits);
        expect(r.workgroupSize).toBeLessThanOrEqual(maxThreads);
        expect(r.splits * r.rowsPerSplit).toBeGreaterThanOrEqual(r.totalRows);
        expect(r.chunks * r.groupsPerWorkgroup * r.rc).toBeGreaterThanOrEqual(g.inChannels);
      });
});

describe('channel split and rows per thread', () => {
  it('covers every channel with little padding', () => {
    for (const c of [1, 3, 4, 5, 12, 16, 32, 40, 150]) {
      const s = splitChannels(c, 4, 16);
      const covered = s.tiles * s.threadsN * s.rnv * 4;
      expect(covered).toBeGreaterThanOrEqual(c);
      expect(covered - c).toBeLessThan(4 * s.tiles * s.threadsN + 4);
    }
    expect(splitChannels(40, 5, 16)).toEqual({ tiles: 1, threadsN: 2, rnv: 5 });
  });

  it('uses 4 voxels per thread on GPUs and longer exact rows on CPU adapters', () => {
    expect(chooseRm(44, false)).toBe(4);
    expect(chooseRm(12, true)).toBe(12);
    expect(chooseRm(14, true)).toBe(14);
    expect(chooseRm(3, true)).toBe(2);
    expect(chooseRm(1, false)).toBe(1);
  });
});
