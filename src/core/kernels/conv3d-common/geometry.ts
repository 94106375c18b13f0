/**
 * Geometry of a 3-D convolution in NDHWC, shared by the forward and both backprop kernels.
 *
 * x: [N, D, H, W, Cin], filter: [KD, KH, KW, Cin, Cout], y: [N, OD, OH, OW, Cout].
 * Output voxel o reads input voxel `o * stride - pad + tap * dilation` (per axis; zero outside).
 */
import { backend_util } from '@tensorflow/tfjs';

export type Vec3 = [number, number, number];

export interface Conv3DGeometry {
  batch: number;
  inChannels: number;
  outChannels: number;
  /** Input spatial dims (D, H, W). */
  inDims: Vec3;
  /** Output spatial dims (D, H, W). */
  outDims: Vec3;
  /** Filter spatial dims (KD, KH, KW). */
  kernel: Vec3;
  strides: Vec3;
  dilations: Vec3;
  /** Padding before the first voxel (front, top, left). */
  pads: Vec3;
}

export type Conv3DPad = 'valid' | 'same';

/** Geometry from tfjs's own shape logic, so padding and output sizes agree with tf.conv3d exactly. */
export function conv3dGeometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  strides: number | Vec3,
  dilations: number | Vec3,
  pad: Conv3DPad,
): Conv3DGeometry {
  const info = backend_util.computeConv3DInfo(
    xShape as [number, number, number, number, number],
    filterShape as [number, number, number, number, number],
    strides,
    dilations,
    pad,
  );
  return {
    batch: info.batchSize,
    inChannels: info.inChannels,
    outChannels: info.outChannels,
    inDims: [info.inDepth, info.inHeight, info.inWidth],
    outDims: [info.outDepth, info.outHeight, info.outWidth],
    kernel: [info.filterDepth, info.filterHeight, info.filterWidth],
    strides: [info.strideDepth, info.strideHeight, info.strideWidth],
    dilations: [info.dilationDepth, info.dilationHeight, info.dilationWidth],
    pads: [info.padInfo.front, info.padInfo.top, info.padInfo.left],
  };
}

/** Multiply-adds of one pass (forward, backprop-input and backprop-filter all do the same count). */
export function conv3dMacs(g: Conv3DGeometry): number {
  const outVoxels = g.batch * g.outDims[0] * g.outDims[1] * g.outDims[2];
  const taps = g.kernel[0] * g.kernel[1] * g.kernel[2];
  return outVoxels * taps * g.inChannels * g.outChannels;
}

export const prod3 = (v: Vec3): number => v[0] * v[1] * v[2];
export const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);
