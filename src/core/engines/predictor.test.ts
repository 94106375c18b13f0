/**
 * segmentVolume on real WebGPU (Dawn/SwiftShader in Node). A tiny untrained network is checked against a
 * whole-volume reference whose inputs are built on the CPU from the DESIGN geometry (no patch-sampler kernel),
 * so the GPU path (upload, tiles, softmax, argmax, grid mapping) must reproduce an independent computation.
 * Built cases use a threshold "network" (logit = 10·(x − t) at the output voxel, computed with tf ops on the
 * GPU) whose segmentation is known exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDevice, webgpuForTests } from '../../testing/gpu';
import { labelArray, readNifti, resampleToSpacing, type Vec3, type Volume } from '../data';
import { repoFile } from '../data/testing/repo-files';
import { isWorkbenchError } from '../errors';
import { computeDice } from '../metrics';
import { createDualPathNet, type DualPathNet } from '../networks';
import { syntheticVolume } from '../transforms';
import { normaliseLabelName, overlapByName, referenceToClasses, segmentVolume, type PredictorModelMeta } from './predictor';

const NORM = { min: -1000, max: 1000, divisor: 218 };
const ORGANS = ['background', 'spleen', 'kidney_right', 'kidney_left', 'liver'];

function volume(dims: Vec3, spacing: Vec3, data: Volume['data'], name = 'synthetic.nii.gz'): Volume {
  const affine = new Float64Array([spacing[0], 0, 0, -30, 0, spacing[1], 0, -20, 0, 0, spacing[2], 10, 0, 0, 0, 1]);
  return { name, dims, spacing, affine, data, scale: { slope: 1, inter: 0 } };
}

/** The same voxels with the x axis stored backwards (as patient B's affine does). */
function flipX(v: Volume): Volume {
  const [nx, ny, nz] = v.dims;
  const data = v.data.slice();
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[i + nx * (j + ny * k)] = v.data[nx - 1 - i + nx * (j + ny * k)];
  const a = Float64Array.from(v.affine);
  for (let r = 0; r < 3; r++) {
    a[r * 4 + 3] += a[r * 4] * (nx - 1);
    a[r * 4] = -a[r * 4];
  }
  return { ...v, data, affine: a, name: `flipped-${v.name}` };
}

/** Argmax of the network run once over the whole volume, inputs cut on the CPU (air outside). */
async function wholeVolumeReference(net: DualPathNet, img: Float32Array, dims: Vec3): Promise<{ labels: Uint8Array; gap: Float32Array }> {
  const [nx, ny, nz] = dims;
  const o = Math.ceil(Math.max(...dims) / 4) * 4;
  const air = NORM.min / NORM.divisor;
  const at = (i: number, j: number, k: number) => (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz ? air : Math.min(Math.max(img[i + nx * (j + ny * k)], air), NORM.max / NORM.divisor));
  const rf = net.rFull;
  const rc = net.rContext;
  const f = o + 2 * rf;
  const full = new Float32Array(f ** 3);
  for (let z = 0; z < f; z++) for (let y = 0; y < f; y++) for (let x = 0; x < f; x++) full[x + f * (y + f * z)] = at(x - rf, y - rf, z - rf);
  const c = o / 4 + 2 * rc;
  const ctx = new Float32Array(c ** 3);
  for (let z = 0; z < c; z++) for (let y = 0; y < c; y++) for (let x = 0; x < c; x++) {
    let s = 0;
    for (let dz = 0; dz < 4; dz++) for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) s += at(4 * (x - rc) + dx, 4 * (y - rc) + dy, 4 * (z - rc) + dz);
    ctx[x + c * (y + c * z)] = s / 64;
  }
  const logits = tf.tidy(() => net.apply({ full: tf.tensor5d(full, [1, f, f, f, 1]), context: tf.tensor5d(ctx, [1, c, c, c, 1]) }, false));
  const l = await logits.data();
  logits.dispose();
  const k = net.numClasses;
  const labels = new Uint8Array(nx * ny * nz);
  const gap = new Float32Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    const src = (x + o * (y + o * z)) * k;
    const row = Array.from(l.subarray(src, src + k));
    const sorted = [...row].sort((a, b) => b - a);
    labels[x + nx * (y + ny * z)] = row.indexOf(sorted[0]);
    gap[x + nx * (y + ny * z)] = sorted[0] - sorted[1];
  }
  return { labels, gap };
}

/** A stand-in network: class 1 where the normalised intensity at the output voxel exceeds `t` (tf ops on the GPU). */
function thresholdNet(t: number, rFull = 2, rContext = 1): DualPathNet {
  const fake = {
    numClasses: 2,
    rFull,
    rContext,
    summary: () => ({ perLayer: [{ outChannels: 4 }] }),
    apply: ({ full }: { full: tf.Tensor5D }) =>
      tf.tidy(() => {
        const [n, fs] = full.shape;
        const o = fs - 2 * rFull;
        const x = tf.reshape(tf.slice(full, [0, rFull, rFull, rFull, 0], [n, o, o, o, 1]), [n * o * o * o, 1]);
        const logit = tf.mul(tf.sub(x, t), 10);
        return tf.reshape(tf.concat([tf.zerosLike(logit), logit], 1), [n, o, o, o, 2]) as tf.Tensor5D;
      }),
  };
  return fake as unknown as DualPathNet;
}

/** Body at 0 HU, a big box and a small cube at 200 HU (apart), 24×20×16 at 3 mm. */
function blobsCase(): { image: Volume; reference: Volume; big: number; small: number } {
  const dims: Vec3 = [24, 20, 16];
  const img = new Int16Array(24 * 20 * 16);
  const ref = new Uint8Array(img.length);
  let big = 0;
  let small = 0;
  for (let k = 0; k < 16; k++) for (let j = 0; j < 20; j++) for (let i = 0; i < 24; i++) {
    const v = i + 24 * (j + 20 * k);
    const inBig = i >= 2 && i < 12 && j >= 3 && j < 11 && k >= 2 && k < 10;
    const inSmall = i >= 17 && i < 20 && j >= 14 && j < 17 && k >= 11 && k < 14;
    img[v] = inBig || inSmall ? 200 : 0;
    if (inBig || inSmall) ref[v] = 7;
    if (inBig) big++;
    if (inSmall) small++;
  }
  return { image: volume(dims, [3, 3, 3], img), reference: { ...volume(dims, [3, 3, 3], ref, 'reference.nii.gz'), intent: 'label' }, big, small };
}

const count = (a: ArrayLike<number>, c: number) => Array.from(a).filter((x) => x === c).length;

describe('segmentVolume on WebGPU', () => {
  let net: DualPathNet;
  const meta: PredictorModelMeta = { classNames: ORGANS, trainingSpacing: [3, 3, 3], normalisation: NORM };
  const synth = syntheticVolume({ dims: [20, 16, 12], seed: 5, withLabels: false });
  const image = volume([20, 16, 12], [3, 3, 3], synth.image.map((v) => Math.round(v * 218)));
  let reference: Awaited<ReturnType<typeof wholeVolumeReference>>;

  beforeAll(async () => {
    await webgpuForTests();
    net = createDualPathNet({ preset: 'tiny', numClasses: 5, seed: 11 });
    reference = await wholeVolumeReference(net, Float32Array.from(image.data, (v) => v / 218), image.dims);
  });

  it('equals a whole-volume pass with CPU-built inputs, for one tile, several tiles, and overlap 0.5 + Gaussian', async () => {
    const before = tf.memory().numTensors;
    for (const window of [{}, { tileSize: 8 }, { tileSize: 8, overlap: 0.5, mode: 'gaussian' as const }]) {
      const r = await segmentVolume({ device: testDevice(), net, meta, image, postprocess: false, window });
      expect(r.labels.dims).toEqual(image.dims);
      expect(Array.from(r.labels.affine)).toEqual(Array.from(image.affine));
      expect(r.labels.data).toBeInstanceOf(Uint8Array);
      expect(r.labels.intent).toBe('label');
      let mismatches = 0;
      for (let v = 0; v < reference.labels.length; v++) if (r.labels.data[v] !== reference.labels[v] && reference.gap[v] > 1e-4) mismatches++;
      expect(mismatches).toBe(0);
      if (window.tileSize) expect(r.details.tiles).toBeGreaterThan(1);
    }
    expect(new Set(reference.labels).size).toBeGreaterThan(1); // the untrained net does not predict one class everywhere
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an x-flipped copy of the scan gives the mirrored labels on its own grid and affine', async () => {
    const flipped = flipX(image);
    const a = await segmentVolume({ device: testDevice(), net, meta, image, postprocess: false });
    const b = await segmentVolume({ device: testDevice(), net, meta, image: flipped, postprocess: false });
    expect(b.labels.dims).toEqual(flipped.dims);
    expect(Array.from(b.labels.affine)).toEqual(Array.from(flipped.affine));
    const mirrored = flipX({ ...a.labels, data: a.labels.data }).data;
    expect(Array.from(b.labels.data)).toEqual(Array.from(mirrored));
  });

  it('reports progress with an ETA, names and volumes of every class', async () => {
    const seen: { stage: string; tilesDone: number; tilesTotal: number; etaMs?: number }[] = [];
    const r = await segmentVolume({ device: testDevice(), net, meta, image, window: { tileSize: 8 }, onProgress: (p) => seen.push(p) });
    const infer = seen.filter((p) => p.stage === 'infer');
    expect(infer.map((p) => p.tilesDone)).toEqual(infer.map((_, i) => i + 1));
    expect(infer[infer.length - 1].tilesDone).toBe(r.details.tiles);
    expect(infer[0].etaMs).toBeUndefined();
    expect(infer[1].etaMs).toBeGreaterThanOrEqual(0);
    expect(seen[seen.length - 1].stage).toBe('finish');
    expect(r.labelNames).toEqual({ 1: 'spleen', 2: 'kidney_right', 3: 'kidney_left', 4: 'liver' });
    expect(Object.keys(r.volumesMl)).toEqual(ORGANS.slice(1));
    for (let k = 1; k < 5; k++) expect(r.volumesMl[ORGANS[k]]).toBeCloseTo(count(r.labels.data, k) * 0.027, 6);
  });

  it('cancels with a typed error between tiles and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const ctl = new AbortController();
    let caught: unknown;
    await segmentVolume({ device: testDevice(), net, meta, image, window: { tileSize: 8 }, signal: ctl.signal, onProgress: (p) => p.tilesDone === 2 && ctl.abort() }).catch((e) => (caught = e));
    expect(isWorkbenchError(caught, 'cancelled')).toBe(true);
    expect((caught as Error).message).toMatch(/cancelled after 2 of \d+ tiles/);
    expect(tf.memory().numTensors).toBe(before);
    const pre = new AbortController();
    pre.abort();
    await expect(segmentVolume({ device: testDevice(), net, meta, image, signal: pre.signal })).rejects.toThrow(/cancelled before it started/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a description that does not fit the network, and unknown probability classes', async () => {
    await expect(segmentVolume({ device: testDevice(), net, meta: { ...meta, classNames: ['background', 'liver'] }, image })).rejects.toThrow(/5 output classes but its description names 2/);
    await expect(segmentVolume({ device: testDevice(), net, meta, image, probabilityClasses: [5] })).rejects.toThrow(/probabilityClasses: 5 is not a class/);
  });
});

describe('segmentVolume on built cases (threshold network on the GPU)', () => {
  const meta: PredictorModelMeta = { classNames: ['background', 'liver'], trainingSpacing: [3, 3, 3], normalisation: NORM };
  beforeAll(async () => {
    await webgpuForTests();
  });

  it('post-processing keeps the largest component; Dice against a reference whose values map by name', async () => {
    const c = blobsCase();
    const net = thresholdNet(100 / 218);
    const names = { 7: 'Liver', 3: 'spleen' };
    const on = await segmentVolume({ device: testDevice(), net, meta, image: c.image, reference: c.reference, referenceNames: names, window: { tileSize: 8 } });
    const off = await segmentVolume({ device: testDevice(), net, meta, image: c.image, reference: c.reference, referenceNames: names, postprocess: false });
    expect(count(off.labels.data, 1)).toBe(c.big + c.small);
    expect(count(on.labels.data, 1)).toBe(c.big);
    expect(on.dice).toEqual({ liver: (2 * c.big) / (c.big + c.big + c.small) });
    expect(off.dice).toEqual({ liver: 1 });
    expect(on.iou!.liver).toBeCloseTo(c.big / (c.big + c.small), 12);
    expect(on.volumesMl.liver).toBeCloseTo(c.big * 0.027, 9);
  });

  it('returns the probability of a class on the scan grid (float32), and the confidence as bytes', async () => {
    const c = blobsCase();
    const r = await segmentVolume({ device: testDevice(), net: thresholdNet(100 / 218), meta, image: c.image, probabilityClasses: [1], confidence: true });
    const p = r.probabilities![0];
    expect(p.dims).toEqual(c.image.dims);
    expect(p.data).toBeInstanceOf(Float32Array);
    const sig = (x: number) => 1 / (1 + Math.exp(-10 * (x / 218 - 100 / 218)));
    let maxErr = 0;
    for (let v = 0; v < p.data.length; v++) maxErr = Math.max(maxErr, Math.abs(p.data[v] - sig(c.image.data[v])));
    expect(maxErr).toBeLessThan(1e-5);
    expect(r.confidence!.data).toBeInstanceOf(Uint8Array);
    expect(r.confidence!.data[0]).toBe(Math.round(Math.max(sig(0), 1 - sig(0)) * 255));
  });
});

describe('reference labels by name', () => {
  it('maps values to model classes by normalised name; absent classes are omitted', () => {
    expect(normaliseLabelName(' Kidney Right ')).toBe('kidney_right');
    const dims: Vec3 = [4, 2, 1];
    const img = volume(dims, [1, 1, 1], new Int16Array(8));
    const ref = volume(dims, [1, 1, 1], Uint8Array.from([0, 1, 1, 5, 5, 5, 6, 2]));
    const truth = referenceToClasses(ref, img, ORGANS, { 1: 'spleen', 2: 'kidney_right', 5: 'liver', 6: 'stomach' });
    expect(Array.from(truth)).toEqual([0, 1, 1, 4, 4, 4, 0, 2]);
    const pred = Uint8Array.from([0, 1, 0, 4, 4, 3, 0, 0]);
    const { dice, iou } = overlapByName(pred, truth, ORGANS);
    expect(Object.keys(dice)).toEqual(['spleen', 'kidney_right', 'liver']);
    expect(dice.spleen).toBeCloseTo(2 / 3, 12);
    expect(dice.kidney_right).toBe(0);
    expect(dice.liver).toBeCloseTo(4 / 5, 12);
    expect(iou.liver).toBeCloseTo(2 / 3, 12);
    expect(Array.from(referenceToClasses(ref, img, ORGANS))).toEqual([0, 1, 1, 0, 0, 0, 0, 2]); // no names: value k = class k
    expect(() => referenceToClasses(volume([2, 2, 2], [1, 1, 1], new Uint8Array(8)), img, ORGANS)).toThrow(/must match its image/);
  });
});

describe('segmentVolume on patient B, downsampled to 8 mm (x axis flipped in its affine)', () => {
  it('labels on the scan grid; Dice for spleen and liver only, mapped from B\'s table by name', async () => {
    await webgpuForTests();
    const b = resampleToSpacing(readNifti(repoFile('test-data/ct-abdomen-b/ct.nii.gz'), 'ct-abdomen-b.nii.gz'), [8, 8, 8], 'linear');
    const rawLabels = readNifti(repoFile('test-data/ct-abdomen-b/labels-totalseg-v2.nii.gz'), 'labels-totalseg-v2.nii.gz');
    const ref = resampleToSpacing(rawLabels, [8, 8, 8], 'nearest');
    expect(b.affine[0]).toBeLessThan(0);
    const net = createDualPathNet({ preset: 'tiny', numClasses: 5, seed: 3 });
    const before = tf.memory().numTensors;
    const r = await segmentVolume({ device: testDevice(), net, meta: { classNames: ORGANS, trainingSpacing: [8, 8, 8], normalisation: NORM }, image: b, reference: ref, referenceNames: { 1: 'spleen', 2: 'kidney_right', 3: 'kidney_left', 5: 'liver', 6: 'stomach' } });
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
    expect(r.labels.dims).toEqual(b.dims);
    expect(Array.from(r.labels.affine)).toEqual(Array.from(b.affine));
    expect(Object.keys(r.dice!)).toEqual(['spleen', 'liver']);
    const refValues = labelArray(ref);
    const manual = computeDice(r.labels.data, Uint8Array.from(refValues, (v) => (v === 1 ? 1 : v === 5 ? 4 : 0)), { classes: [1, 4] });
    expect(r.dice!.spleen).toBeCloseTo(manual.get(1)!, 12);
    expect(r.dice!.liver).toBeCloseTo(manual.get(4)!, 12);
    expect(Math.max(...r.labels.data)).toBeLessThan(5);
  });
});
