/**
 * Parity of the WebGPU FFT (fft.kernel.ts) with the TS reference (fft.reference.ts) on real WebGPU (Dawn).
 * Tolerance: relative L2 error ‖GPU − reference‖ / ‖reference‖ ≤ 1e-6 and a round trip within 1e-4 (float32
 * data, twiddles from a float64 table; measured 6e-8 to 1.4e-7 on these sizes. WGSL cos/sin gave 3e-5 to 1.5e-4).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../../testing/gpu';
import { Rng } from '../../random';
import { fft3dGpu, nextPow2 } from './fft.kernel';
import { fft3d } from './fft.reference';

describe('WebGPU FFT parity with the reference', () => {
  beforeAll(async () => { await webgpuForTests(); });

  it.each([
    [[8, 1, 1]], [[4, 8, 2]], [[16, 8, 4]], [[2, 32, 16]], [[64, 32, 8]],
  ] as [number, number, number][][])('3-D forward and inverse on %j', async (dims) => {
    const N = dims[0] * dims[1] * dims[2];
    const rng = new Rng(N);
    const re = Float32Array.from({ length: N }, () => rng.next() - 0.5), im = Float32Array.from({ length: N }, () => rng.next() - 0.5);
    const inter = new Float32Array(2 * N);
    for (let i = 0; i < N; i++) { inter[2 * i] = re[i]; inter[2 * i + 1] = im[i]; }
    const x = tf.tensor1d(inter);
    const y = fft3dGpu(x, dims);
    const back = fft3dGpu(y, dims, true);
    const [got, gotBack] = [await y.data(), await back.data()];
    tf.dispose([x, y, back]);
    const wr = re.slice(), wi = im.slice();
    fft3d(wr, wi, dims);
    let norm = 0, err = 0, nonzero = 0;
    for (let i = 0; i < N; i++) {
      norm += wr[i] ** 2 + wi[i] ** 2;
      err += (got[2 * i] - wr[i]) ** 2 + (got[2 * i + 1] - wi[i]) ** 2;
      if (got[2 * i] !== 0) nonzero++;
    }
    expect(nonzero).toBeGreaterThan(N / 2); // not a GPU that silently returned zeros
    console.log(`FFT ${dims.join('×')}: relative L2 error ${Math.sqrt(err / norm).toExponential(2)}`);
    expect(Math.sqrt(err / norm)).toBeLessThanOrEqual(1e-6);
    for (let i = 0; i < N; i++) expect(Math.abs(gotBack[2 * i] - re[i])).toBeLessThan(1e-4);
  });

  it('pads to powers of two and refuses other sizes with a sentence', () => {
    expect([1, 5, 512, 513].map(nextPow2)).toEqual([1, 8, 512, 1024]);
    const x = tf.zeros([2 * 6]) as tf.Tensor1D;
    expect(() => fft3dGpu(x, [6, 1, 1])).toThrow(/powers of two per axis/);
    x.dispose();
  });
});
