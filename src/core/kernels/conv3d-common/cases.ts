/** Shapes shared by the conv3d parity tables (NDHWC input shape, filter shape, stride, padding). */
import type { Conv3DPad, Vec3 } from './geometry';

export interface ConvCase {
  name: string;
  x: [number, number, number, number, number];
  w: [number, number, number, number, number];
  strides?: Vec3;
  dilations?: Vec3;
  pad?: Conv3DPad;
}

/** Cases every conv3d kernel (forward and both gradients) must match; dilation 1 throughout. */
export const GRADIENT_CASES: ConvCase[] = [
  { name: 'stem 1→12, valid', x: [2, 6, 6, 6, 1], w: [3, 3, 3, 1, 12] },
  { name: 'odd channels 3→5, non-cubic', x: [1, 7, 6, 5, 3], w: [3, 3, 3, 3, 5] },
  { name: '12→12 residual conv', x: [1, 6, 6, 7, 12], w: [3, 3, 3, 12, 12] },
  { name: '40→40 (channel chunks)', x: [1, 5, 5, 5, 40], w: [3, 3, 3, 40, 40] },
  { name: '1-voxel outputs, batch 3', x: [3, 3, 3, 3, 7], w: [3, 3, 3, 7, 6] },
  { name: '1³ bottleneck 16→6', x: [2, 5, 4, 6, 16], w: [1, 1, 1, 16, 6] },
  { name: 'stride 2, same padding', x: [1, 7, 8, 9, 5], w: [3, 3, 3, 5, 4], strides: [2, 2, 2], pad: 'same' },
  { name: 'strides 1,2,3 kernel 2×3×1', x: [2, 5, 7, 8, 2], w: [2, 3, 1, 2, 3], strides: [1, 2, 3] },
  { name: 'same padding, batch 9', x: [9, 4, 4, 4, 4], w: [3, 3, 3, 4, 8], pad: 'same' },
  { name: 'long rows 8→8 (12 voxels per thread on CPU adapters)', x: [1, 3, 4, 14, 8], w: [3, 3, 3, 8, 8] },
];

/** Forward-only extras: dilation (tfjs has no gradient for it) and many output channels. */
export const FORWARD_ONLY_CASES: ConvCase[] = [
  { name: '1³ 20→150 (several channel tiles)', x: [1, 4, 4, 4, 20], w: [1, 1, 1, 20, 150] },
  { name: 'dilation 2, valid', x: [1, 8, 7, 9, 3], w: [3, 2, 3, 3, 6], dilations: [2, 2, 2] },
];

export const size = (s: readonly number[]): number => s.reduce((a, v) => a * v, 1);
export const caseSeed = (c: ConvCase): number => [...c.x, ...c.w].reduce((a, v) => (a * 31 + v) % 2147483647, 7);

/**
 * Cases re-run with the kernels tuned for GPUs (workgroup-memory halos) on SwiftShader, which is
 * otherwise given the CPU tuning: scalar and vec4 channels, channel chunks, padding, strides, dilation.
 */
export const GPU_TUNING_CASES: string[] = [
  'odd channels 3→5, non-cubic',
  '12→12 residual conv',
  'stride 2, same padding',
  'same padding, batch 9',
  'dilation 2, valid',
];
