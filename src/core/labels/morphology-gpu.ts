/**
 * Dilation by a ball as an FFT convolution on WebGPU (src/core/kernels/fft): the same algorithm as
 * morphology-fft.ts, with every axis padded to a power of two ≥ n + half extent (the GPU kernel's sizes),
 * the ball's spectrum (real: the ball is symmetric) multiplied in with a plain tfjs op on 1-D tensors.
 * Memory on the device: two interleaved complex float32 volumes of the padded grid (16 bytes per padded
 * voxel), e.g. 1024×1024×256 × 16 B = 4.3 GB for 512×512×150, beyond a software adapter's buffers; this
 * path is for volumes whose padded grid fits the device's maxStorageBufferBindingSize.
 */
import * as tf from '@tensorflow/tfjs';
import type { Vec3 } from '../data/volume';
import { WorkbenchError } from '../errors';
import { fft3dGpu, nextPow2 } from '../kernels/fft/fft.kernel';
import { ballHalfExtent, inBall } from './ball';

export function gpuFftGrid(dims: Vec3, half: Vec3): Vec3 {
  return dims.map((n, a) => nextPow2(n + half[a])) as Vec3;
}

export async function dilateFftGpu(mask: Uint8Array, dims: Vec3, spacing: Vec3, radiusMm: number): Promise<Uint8Array> {
  const half = ballHalfExtent(radiusMm, spacing);
  const P = gpuFftGrid(dims, half);
  const [px, py, pz] = P;
  const N = px * py * pz;
  const limit = 2 ** 31 - 1;
  if (8 * N > limit) throw new WorkbenchError('too-large', `A GPU FFT dilation of ${dims.join('×')} by ${radiusMm} mm needs a ${P.join('×')} complex grid (${(8 * N / 2 ** 30).toFixed(1)} GiB per buffer); use method 'direct'.`);
  const [nx, ny, nz] = dims;
  const ball = new Float32Array(2 * N);
  for (let z = -half[2]; z <= half[2]; z++) for (let y = -half[1]; y <= half[1]; y++) for (let x = -half[0]; x <= half[0]; x++) {
    if (inBall(x, y, z, spacing, radiusMm)) ball[2 * (((x + px) % px) + px * (((y + py) % py) + py * ((z + pz) % pz)))] = 1;
  }
  const m = new Float32Array(2 * N);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) m[2 * (x + px * (y + py * z))] = mask[x + nx * (y + ny * z)];
  const out = tf.tidy(() => {
    const B = fft3dGpu(tf.tensor1d(ball), P);
    // real spectrum → [re, re] per element, so the product is elementwise on the interleaved layout
    const Bre = B.reshape([N, 2]).slice([0, 0], [N, 1]);
    const B2 = tf.concat([Bre, Bre], 1).reshape([2 * N]);
    const M = fft3dGpu(tf.tensor1d(m), P);
    return fft3dGpu(tf.mul(M, B2) as tf.Tensor1D, P, true);
  });
  const conv = await out.data();
  out.dispose();
  const res = new Uint8Array(mask.length);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) res[x + nx * (y + ny * z)] = conv[2 * (x + px * (y + py * z))] > 0.5 ? 1 : 0;
  return res;
}

/** Closing (dilation, then erosion as the complement's dilation) with the GPU FFT. */
export async function closeFftGpu(mask: Uint8Array, dims: Vec3, spacing: Vec3, radiusMm: number): Promise<Uint8Array> {
  const d = await dilateFftGpu(mask, dims, spacing, radiusMm);
  for (let i = 0; i < d.length; i++) d[i] = d[i] ? 0 : 1;
  const e = await dilateFftGpu(d, dims, spacing, radiusMm);
  for (let i = 0; i < e.length; i++) e[i] = e[i] ? 0 : 1;
  return e;
}
