/**
 * Tiled inference equals a whole-volume computation. The fake predictor is a local function of its
 * inputs that reaches the edges of both receptive fields (full-res voxel at offset (r_f, 0, −r_f),
 * context voxel at low-res offset (r_c, −r_c, 0)), so borders, context-grid phase and blending are all
 * exercised; the whole-volume answer is computed directly from the volume on the CPU.
 * Tolerance: 2e-6 (float32 blending round-off of identical values).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../testing/gpu';
import type { Device } from '../backend/device';
import { isWorkbenchError } from '../errors';
import { syntheticVolume } from '../transforms/synthetic-volume';
import { uploadTrainingSet, type GpuTrainingSet } from '../transforms/training-set';
import { blendWeights1d, chooseTileSize, chooseTileSizeForDevice, planTiles, tileStarts } from './sliding-window-plan';
import { errorMapFromInference, predictLabels, slidingWindowInference, slidingWindowStream, type Predictor, type SlidingWindowOptions } from './sliding-window';

const R_F = 3;
const R_C = 2;
const K = 3;
const AIR = -4.5;
const vol = syntheticVolume({ dims: [23, 19, 13], seed: 21 });

function softmax3(a: number, b: number, c: number): [number, number, number] {
  const m = Math.max(a, b, c);
  const e = [Math.exp(a - m), Math.exp(b - m), Math.exp(c - m)];
  const s = e[0] + e[1] + e[2];
  return [e[0] / s, e[1] / s, e[2] / s];
}
const logits = (f: number, c: number) => softmax3(f, c, 0.3 * f * c);

/** Reads inputs back and applies the local function per output voxel (CPU; returns a GPU tensor). */
const fakePredictor =
  (t: number, calls: { n: number }): Predictor =>
  async (full, context) => {
    calls.n++;
    const n = full.shape[0];
    const F = t + 2 * R_F;
    const C = t / 4 + 2 * R_C;
    const [fd, cd] = await Promise.all([full.data(), context.data()]);
    const out = new Float32Array(n * t ** 3 * K);
    for (let p = 0; p < n; p++) for (let z = 0; z < t; z++) for (let y = 0; y < t; y++) for (let x = 0; x < t; x++) {
      const f = fd[(((p * F + z + R_F - R_F) * F + y + R_F) * F + x + R_F + R_F)];
      const [jx, jy, jz] = [x, y, z].map((a) => R_C + Math.floor(a / 4));
      const c = cd[(((p * C + jz) * C + jy - R_C) * C + jx + R_C)];
      out.set(logits(f, c), (((p * t + z) * t + y) * t + x) * K);
    }
    return tf.tensor5d(out, [n, t, t, t, K]);
  };

function wholeVolume(): Float32Array {
  const [nx, ny, nz] = vol.dims;
  const at = (i: number, j: number, k: number) => (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz ? AIR : vol.image[i + nx * (j + ny * k)]);
  const out = new Float32Array(nx * ny * nz * K);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const f = at(i + R_F, j, k - R_F);
    const [bx, by, bz] = [4 * Math.floor(i / 4) + 4 * R_C, 4 * Math.floor(j / 4) - 4 * R_C, 4 * Math.floor(k / 4)];
    let s = 0;
    for (let dz = 0; dz < 4; dz++) for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) s += at(bx + dx, by + dy, bz + dz);
    out.set(logits(f, s / 64), (i + nx * (j + ny * k)) * K);
  }
  return out;
}

describe('sliding-window plan', () => {
  it('tile starts are multiples of 4, cover every voxel, and the last tile overhangs by ≤ 3', () => {
    for (const n of [1, 7, 8, 13, 23, 64, 101]) {
      for (const t of [8, 12, 32]) {
        for (const ov of [0, 0.25, 0.5, 0.9]) {
          const s = tileStarts(n, t, ov);
          expect(s.every((v) => v % 4 === 0)).toBe(true);
          for (let v = 0; v < n; v++) expect(s.some((a) => a <= v && v < a + t)).toBe(true);
          expect(s[s.length - 1] + t - Math.max(n, t)).toBeLessThanOrEqual(3);
          expect(new Set(s).size).toBe(s.length);
        }
      }
    }
    expect(planTiles([23, 19, 13], 8, 0.5).origins.length).toBe(tileStarts(23, 8, 0.5).length * tileStarts(19, 8, 0.5).length * tileStarts(13, 8, 0.5).length);
  });

  it('Gaussian weights peak at the centre, are symmetric and positive; constant weights are 1', () => {
    const g = blendWeights1d(16, 'gaussian');
    expect(g[7]).toBeCloseTo(g[8], 6);
    expect(g[0]).toBeCloseTo(g[15], 6);
    expect(g[0]).toBeGreaterThan(0);
    expect(g[0]).toBeLessThan(0.01);
    expect(Array.from(blendWeights1d(8, 'constant'))).toEqual(new Array(8).fill(1));
  });

  it('chooseTileSize follows the device limits: larger buffers allow larger tiles, always a multiple of 4', () => {
    const req = { rFull: 15, rContext: 15, widestChannels: 40, numClasses: 5 };
    const small = chooseTileSize({ ...req, limits: { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 } });
    const big = chooseTileSize({ ...req, limits: { maxStorageBufferBindingSize: 2 ** 31, maxBufferSize: 2 ** 31 } });
    expect(small % 4).toBe(0);
    expect(big).toBeGreaterThan(small);
    // (small + 30)³·40·4 fits in half of 128 MB, (small + 34)³ does not.
    expect((small + 30) ** 3 * 160).toBeLessThanOrEqual(64 * 2 ** 20);
    expect((small + 34) ** 3 * 160).toBeGreaterThan(64 * 2 ** 20);
    expect(chooseTileSize({ ...req, limits: { maxStorageBufferBindingSize: 2 ** 31, maxBufferSize: 2 ** 31 }, volumeDims: [30, 20, 10] })).toBe(32);
  });
});

describe('sliding-window inference on WebGPU with a fake predictor', () => {
  let b: Device;
  let set: GpuTrainingSet;
  let expected: Float32Array;
  beforeAll(async () => {
    b = await webgpuForTests();
    set = uploadTrainingSet([vol], { valueRange: { min: AIR, max: 4.5 } });
    expected = wholeVolume();
  });

  const CASES: { name: string; tileSize: number; overlap: number; mode: 'constant' | 'gaussian'; batchSize: number }[] = [
    { name: 'T=8, no overlap, constant', tileSize: 8, overlap: 0, mode: 'constant', batchSize: 1 },
    { name: 'T=8, overlap 0.5, gaussian, 3 tiles per call', tileSize: 8, overlap: 0.5, mode: 'gaussian', batchSize: 3 },
    { name: 'T=12, overlap 0.25, constant', tileSize: 12, overlap: 0.25, mode: 'constant', batchSize: 2 },
    { name: 'T=32 (one tile larger than the volume)', tileSize: 32, overlap: 0.5, mode: 'gaussian', batchSize: 1 },
  ];

  it.each(CASES)('$name equals the whole-volume computation', async (c) => {
    b.monitor!.clear();
    const calls = { n: 0 };
    const progress: number[] = [];
    const o: SlidingWindowOptions = { ...c, geometry: { rFull: R_F, rContext: R_C }, numClasses: K, onProgress: (p) => progress.push(p.tilesDone) };
    await b.run(`sliding window ${c.name}`, async () => {
      const r = await slidingWindowInference(set, o, fakePredictor(c.tileSize, calls));
      let maxErr = 0;
      for (let i = 0; i < expected.length; i++) maxErr = Math.max(maxErr, Math.abs(r.probabilities[i] - expected[i]));
      const plan = planTiles(vol.dims, c.tileSize, c.overlap);
      const tiles = plan.origins.length;
      const perGroup = tiles / plan.zStarts.length;
      console.log(`[sliding-window] ${c.name}: ${tiles} tiles in ${calls.n} calls, max |tiled − whole| ${maxErr.toExponential(2)}`);
      expect(maxErr).toBeLessThan(2e-6);
      expect(progress[progress.length - 1]).toBe(tiles);
      // Tiles go to the predictor in batches within each z-group of tiles.
      expect(calls.n).toBe(plan.zStarts.length * Math.ceil(perGroup / c.batchSize));
    });
  });

  it('argmax labels and the error map agree with the whole-volume computation', async () => {
    const o: SlidingWindowOptions = { tileSize: 8, overlap: 0.5, mode: 'gaussian', geometry: { rFull: R_F, rContext: R_C }, numClasses: K };
    const { labels, confidence } = await predictLabels(set, o, fakePredictor(8, { n: 0 }));
    const err = await errorMapFromInference(set, o, fakePredictor(8, { n: 0 }), vol.labels!.map((l) => l % K));
    let labelMismatch = 0;
    let maxErr = 0;
    for (let v = 0; v < labels.length; v++) {
      const p = Array.from(expected.subarray(v * K, v * K + K));
      const best = p.indexOf(Math.max(...p));
      if (labels[v] !== best && Math.abs(p[labels[v]] - p[best]) > 1e-5) labelMismatch++;
      maxErr = Math.max(maxErr, Math.abs(confidence[v] - p[best]), Math.abs(err[v] - (1 - p[vol.labels![v] % K])));
    }
    expect(labelMismatch).toBe(0);
    expect(maxErr).toBeLessThan(2e-6);
    expect(new Set(labels).size).toBeGreaterThan(1);
  });

  it('stops with a typed "cancelled" error when the signal aborts', async () => {
    const ctl = new AbortController();
    const o: SlidingWindowOptions = {
      tileSize: 8, overlap: 0, mode: 'constant', geometry: { rFull: R_F, rContext: R_C }, numClasses: K, signal: ctl.signal,
      onProgress: (p) => p.tilesDone >= 2 && ctl.abort(),
    };
    let caught: unknown;
    await slidingWindowStream(set, o, fakePredictor(8, { n: 0 }), []).catch((e) => (caught = e));
    expect(isWorkbenchError(caught, 'cancelled')).toBe(true);
    expect((caught as Error).message).toMatch(/after 2 of \d+ tiles/);
  });

  it('chooseTileSizeForDevice reads the WebGPU device limits', () => {
    const req = { rFull: 15, rContext: 15, widestChannels: 40, numClasses: 5 };
    expect(b.info.limits).toBeDefined();
    const t = chooseTileSizeForDevice(b, req);
    expect(t).toBe(chooseTileSize({ ...req, limits: b.info.limits }));
    console.log(`[sliding-window] tile size for ${b.info.adapter} (max binding ${b.info.limits!.maxStorageBufferBindingSize} B), paper net: ${t}`);
  });

  it('rejects a predictor output of the wrong shape', async () => {
    const o: SlidingWindowOptions = { tileSize: 8, overlap: 0, mode: 'constant', geometry: { rFull: R_F, rContext: R_C }, numClasses: K };
    const bad: Predictor = (full) => tf.zeros([full.shape[0], 8, 8, 8, 2]) as tf.Tensor5D;
    await expect(slidingWindowStream(set, o, bad, [])).rejects.toThrow(/\[1,8,8,8,2\].*expected \[1,8,8,8,3\]/);
  });
});
