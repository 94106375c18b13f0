/**
 * The WebGPU FFT dilation/closing against the exact distance-transform path, voxel for voxel, on real
 * WebGPU (Dawn). Exact agreement is expected: the convolution counts are whole numbers ≥ 1 or ~0, and
 * float32 error (≈ 1e-7 relative) is far from the ½ threshold at these sizes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../testing/gpu';
import type { Vec3 } from '../data/volume';
import { Rng } from '../random';
import { close, dilate } from './morphology';
import { closeFftGpu, dilateFftGpu, gpuFftGrid } from './morphology-gpu';
import { ballHalfExtent } from './ball';

describe('GPU FFT morphology', () => {
  beforeAll(async () => { await webgpuForTests(); });
  const dims: Vec3 = [23, 17, 11];
  const spacing: Vec3 = [0.8, 1.1, 2.5];
  const rng = new Rng(5);
  const mask = Uint8Array.from({ length: 23 * 17 * 11 }, () => (rng.next() < 0.03 ? 1 : 0));

  it.each([1, 2.4, 5])('dilation with r = %f mm equals the direct path', async (r) => {
    const want = dilate(mask, { dims, spacing, radiusMm: r, method: 'direct' });
    const got = await dilateFftGpu(mask, dims, spacing, r);
    expect(want.reduce((a, b) => a + b, 0)).toBeGreaterThan(mask.reduce((a, b) => a + b, 0));
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  it('closing equals the direct path, and the padded grid is a power of two per axis', async () => {
    const dense = Uint8Array.from({ length: mask.length }, () => (rng.next() < 0.6 ? 1 : 0));
    const want = close(dense, { dims, spacing, radiusMm: 2, method: 'direct' });
    expect(Array.from(await closeFftGpu(dense, dims, spacing, 2))).toEqual(Array.from(want));
    expect(gpuFftGrid(dims, ballHalfExtent(2, spacing))).toEqual([32, 32, 16]);
  });
});
