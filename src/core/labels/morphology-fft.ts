/**
 * Dilation by a ball as a convolution computed with 3-D FFTs: forward FFT of the mask (zero-padded) and of
 * the ball, their product, the inverse FFT, and a threshold at ½ (a voxel is in the dilation when at least
 * one mask voxel lies in the ball around it). Linear, not circular, convolution: each axis is padded to
 * the smallest 5-smooth length ≥ n + half extent (see `goodFftSize`).
 *
 * Memory: three float32 values per padded voxel (the mask's complex spectrum and the ball's spectrum, which
 * is real because the ball is symmetric), e.g. 0.6 GB for 512×512×150 with r = 5 mm at 0.78 mm.
 */
import type { Vec3 } from '../data/volume';
import { fft3d, goodFftSize } from '../kernels/fft/fft.reference';
import { ballHalfExtent, inBall } from './ball';

export interface FftPlanInfo {
  /** The padded grid the transforms run on. */
  padded: Vec3;
}

/** The padded grid for a dilation of `dims` by a ball of these half extents. */
export function fftGrid(dims: Vec3, half: Vec3): Vec3 {
  return dims.map((n, a) => goodFftSize(n + half[a])) as Vec3;
}

/** Dilation of a 0/1 mask by a ball of radius r mm, by FFT convolution on the CPU. */
export function dilateFft(mask: Uint8Array, dims: Vec3, spacing: Vec3, radiusMm: number, check?: () => void): Uint8Array {
  const half = ballHalfExtent(radiusMm, spacing);
  const P = fftGrid(dims, half);
  const [px, py, pz] = P;
  const N = px * py * pz;
  const [nx, ny, nz] = dims;
  // The ball's spectrum: wrap negative offsets; symmetric, so its DFT is real.
  const bRe = new Float32Array(N), bIm = new Float32Array(N);
  for (let z = -half[2]; z <= half[2]; z++) for (let y = -half[1]; y <= half[1]; y++) for (let x = -half[0]; x <= half[0]; x++) {
    if (!inBall(x, y, z, spacing, radiusMm)) continue;
    bRe[((x + px) % px) + px * (((y + py) % py) + py * ((z + pz) % pz))] = 1;
  }
  fft3d(bRe, bIm, P, false, check);
  bIm.fill(0); // exact zero by symmetry; drop rounding
  const re = bIm; // reuse the buffer for the mask
  const im = new Float32Array(N);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) {
    const src = nx * (y + ny * z), dst = px * (y + py * z);
    for (let x = 0; x < nx; x++) re[dst + x] = mask[src + x];
  }
  check?.();
  fft3d(re, im, P, false, check);
  for (let i = 0; i < N; i++) { re[i] *= bRe[i]; im[i] *= bRe[i]; }
  fft3d(re, im, P, true, check);
  const out = new Uint8Array(mask.length);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) {
    const dst = nx * (y + ny * z), src = px * (y + py * z);
    for (let x = 0; x < nx; x++) out[dst + x] = re[src + x] > 0.5 ? 1 : 0;
  }
  return out;
}
