import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../testing/gpu';
import { expectWorkbenchError } from '../../testing/errors';
import { Rng } from '../random';
import type { LossOptions } from './common';
import { crossEntropyLoss } from './cross-entropy';
import { LOSS_NAMES, lossFunction, type LossName } from './loss-function';
import { softDiceLoss, softIoULoss } from './soft-overlap';

/** Float64 references on flat arrays: logits [N·V·K], labels [N·V]. */
function softmaxRows(z: Float64Array, k: number): Float64Array {
  const p = new Float64Array(z.length);
  for (let r = 0; r < z.length / k; r++) {
    let mx = -Infinity;
    for (let j = 0; j < k; j++) mx = Math.max(mx, z[r * k + j]);
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.exp(z[r * k + j] - mx);
    for (let j = 0; j < k; j++) p[r * k + j] = Math.exp(z[r * k + j] - mx) / s;
  }
  return p;
}

/** The probability of voxel r's target: p_y, or for label 0 in a partially labelled sample p_0 + Σ_unlabelled p_k. */
function targetProbability(p: Float64Array, y: Int32Array, r: number, k: number, n: number, u?: boolean[][]): number {
  const b = Math.floor(r / (y.length / n));
  if (y[r] !== 0 || !u) return p[r * k + y[r]];
  let q = p[r * k];
  for (let j = 1; j < k; j++) if (u[b][j]) q += p[r * k + j];
  return q;
}

function ceReference(z: Float64Array, y: Int32Array, n: number, k: number, o: LossOptions = {}): number {
  const p = softmaxRows(z, k);
  const w = o.classWeights;
  let num = 0;
  let den = 0;
  y.forEach((c, r) => {
    const wr = w ? w[c] : 1;
    num -= wr * Math.log(targetProbability(p, y, r, k, n, o.unlabelled));
    den += wr;
  });
  return num / den;
}

function overlapReference(kind: 'iou' | 'dice', z: Float64Array, y: Int32Array, n: number, k: number, o: LossOptions = {}): number {
  const p = softmaxRows(z, k);
  const v = y.length / n;
  const s = o.smooth ?? 1;
  let total = 0;
  for (let b = 0; b < n; b++) {
    const u = o.unlabelled?.[b] ?? new Array<boolean>(k).fill(false);
    const w = (o.classWeights ?? new Array<number>(k).fill(1)).map((x, c) => (u[c] ? 0 : x));
    const wSum = w.reduce((a, c) => a + c, 0);
    for (let c = 0; c < k; c++) {
      let i = 0;
      let ps = 0;
      let g = 0;
      for (let t = b * v; t < (b + 1) * v; t++) {
        const yt = y[t] === c ? 1 : 0;
        // Background absorbs the unlabelled classes' probabilities; an unlabelled class has none left.
        let pc = u[c] ? 0 : p[t * k + c];
        if (c === 0) for (let j = 1; j < k; j++) if (u[j]) pc += p[t * k + j];
        i += pc * yt;
        ps += pc;
        g += yt;
      }
      const score = kind === 'iou' ? (i + s) / (ps + g - i + s) : (2 * i + s) / (ps + g + s);
      total += (w[c] / wSum) * score;
    }
  }
  return 1 - total / n;
}

function reference(name: LossName, z: Float64Array, y: Int32Array, n: number, k: number, o?: LossOptions): number {
  return name === 'cross-entropy' ? ceReference(z, y, n, k, o) : overlapReference(name, z, y, n, k, o);
}

function randomCase(shape: [number, number, number, number], k: number, seed: number) {
  const rng = new Rng(seed);
  const v = shape.reduce((a, b) => a * b, 1);
  const z = Float64Array.from({ length: v * k }, () => rng.uniform(-3, 3));
  const y = Int32Array.from({ length: v }, () => rng.int(k));
  return { z, y, logitShape: [...shape, k], labelShape: shape };
}

describe('loss values on hand-checkable cases (CPU backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('cross-entropy of zero logits is log K; of logits [a, 0] with label 0 is log(1 + e^−a)', async () => {
    const labels = tf.tensor([0, 1, 2, 1], [1, 1, 2, 2], 'int32');
    expect((await crossEntropyLoss(tf.zeros([1, 1, 2, 2, 3]), labels).data())[0]).toBeCloseTo(Math.log(3), 6);
    const a = 1.7;
    const logits = tf.tensor([a, 0, a, 0], [1, 1, 1, 2, 2]);
    const l0 = tf.tensor([0, 0], [1, 1, 1, 2], 'int32');
    expect((await crossEntropyLoss(logits, l0).data())[0]).toBeCloseTo(Math.log(1 + Math.exp(-a)), 6);
  });

  it('class weights: a zero weight removes a class from the cross-entropy mean', async () => {
    const logits = tf.tensor([2, 0, 0, 2], [1, 1, 1, 2, 2]); // voxel 0 predicts class 0, voxel 1 class 1
    const labels = tf.tensor([0, 0], [1, 1, 1, 2], 'int32');
    const only0 = (await crossEntropyLoss(logits, labels, { classWeights: [1, 0] }).data())[0];
    expect(only0).toBeCloseTo((Math.log(1 + Math.exp(-2)) + Math.log(1 + Math.exp(2))) / 2, 6);
    const labels01 = tf.tensor([0, 1], [1, 1, 1, 2], 'int32');
    expect((await crossEntropyLoss(logits, labels01, { classWeights: [0, 5] }).data())[0]).toBeCloseTo(Math.log(1 + Math.exp(-2)), 6);
  });

  it('uniform predictions on a half/half sample: IoU = (V/4 + s)/(3V/4 + s), Dice = (V/2 + s)/(V + s)', async () => {
    const v = 8;
    const logits = tf.zeros([1, 2, 2, 2, 2]);
    const labels = tf.tensor([0, 1, 0, 1, 0, 1, 0, 1], [1, 2, 2, 2], 'int32');
    for (const s of [1, 0.5]) {
      expect((await softIoULoss(logits, labels, { smooth: s }).data())[0]).toBeCloseTo(1 - (v / 4 + s) / ((3 * v) / 4 + s), 6);
      expect((await softDiceLoss(logits, labels, { smooth: s }).data())[0]).toBeCloseTo(1 - (v / 2 + s) / (v + s), 6);
    }
  });

  it('confident correct predictions give ≈ 0 for every loss; confident wrong ones a large loss', async () => {
    const y = [0, 1, 1, 0, 2, 2, 1, 0];
    const labels = tf.tensor(y, [1, 2, 2, 2], 'int32');
    const confident = (classes: number[]) => tf.tensor(classes.flatMap((c) => [0, 1, 2].map((j) => (j === c ? 40 : 0))), [1, 2, 2, 2, 3]);
    const right = confident(y);
    const wrong = confident(y.map((c) => (c + 1) % 3));
    for (const name of LOSS_NAMES) {
      const f = lossFunction(name);
      expect((await f(right, labels, { smooth: 1e-6 }).data())[0]).toBeLessThan(1e-5);
      expect((await f(wrong, labels, { smooth: 1e-6 }).data())[0]).toBeGreaterThan(0.99);
    }
  });

  it('partial labels: a background voxel of a scan that does not label class 2 scores −log(p0 + p2), and is not pushed away from class 2', async () => {
    // One voxel, label 0, logits [0, 1, 2]: p = softmax; marginal CE = −log(p0 + p2).
    const logits = tf.tensor([0, 1, 2], [1, 1, 1, 1, 3]);
    const labels = tf.tensor([0], [1, 1, 1, 1], 'int32');
    const p = [0, 1, 2].map((a) => Math.exp(a) / (1 + Math.E + Math.E ** 2));
    const unlabelled = [[false, false, true]];
    expect((await crossEntropyLoss(logits, labels, { unlabelled }).data())[0]).toBeCloseTo(-Math.log(p[0] + p[2]), 6);
    expect((await crossEntropyLoss(logits, labels).data())[0]).toBeCloseTo(-Math.log(p[0]), 6);
    // Gradient descent moves logits by −∂L/∂z: plain CE lowers class 2's logit (teaches "not an organ"),
    // the marginal loss raises it with background's (only class 1, which the scan does label, is pushed down).
    const plain = await tf.grad((t: tf.Tensor) => crossEntropyLoss(t, labels))(logits).data();
    const marginal = await tf.grad((t: tf.Tensor) => crossEntropyLoss(t, labels, { unlabelled }))(logits).data();
    expect(plain[2]).toBeGreaterThan(0.5);
    expect(marginal[2]).toBeLessThan(0);
    expect(marginal[1]).toBeGreaterThan(0);
    // The same for the overlap losses: class 2's probability counts as background in that sample.
    for (const f of [softIoULoss, softDiceLoss]) {
      const g = await tf.grad((t: tf.Tensor) => f(t, labels, { unlabelled }))(logits).data();
      expect(g[2]).toBeLessThanOrEqual(1e-9);
    }
  });

  it('partial labels given as all false give exactly the ordinary loss', async () => {
    const { z, y, logitShape, labelShape } = randomCase([2, 2, 2, 2], 3, 5);
    const zT = tf.tensor(Float32Array.from(z), logitShape);
    const labels = tf.tensor(y, labelShape, 'int32');
    const none = [[false, false, false], [false, false, false]];
    for (const name of LOSS_NAMES) {
      const f = lossFunction(name);
      expect((await f(zT, labels, { unlabelled: none }).data())[0]).toBe((await f(zT, labels).data())[0]);
    }
    expectWorkbenchError(() => crossEntropyLoss(zT, labels, { unlabelled: [[false, false, false]] }), 'bad-argument', /2 rows of 3 flags/);
    expectWorkbenchError(() => softDiceLoss(zT, labels, { unlabelled: [[true, false, false], [false, false, true]] }), 'bad-argument', /background \(class 0\) is always labelled/);
  });

  it('rejects mismatched shapes, non-int labels, bad weights and unknown names', () => {
    const logits = tf.zeros([1, 2, 2, 2, 2]);
    const expectBad = (f: () => unknown, re: RegExp) => expectWorkbenchError(f, 'bad-argument', re);
    expectBad(() => crossEntropyLoss(logits, tf.zeros([1, 2, 2, 3], 'int32')), /logits \[1, 2, 2, 2, 2\] and labels \[1, 2, 2, 3\]/);
    expectBad(() => softDiceLoss(logits, tf.zeros([1, 2, 2, 2])), /must be int32; got float32/);
    expectBad(() => softIoULoss(logits, tf.zeros([1, 2, 2, 2], 'int32'), { classWeights: [1] }), /classWeights needs 2/);
    expectBad(() => lossFunction('l2' as LossName), /Unknown loss "l2"/);
  });
});

describe('loss values and gradients against float64 references (CPU backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  // Sample 0 labels every class; sample 1's scan does not label class 2 (the marginal loss).
  const partial = [
    [false, false, false],
    [false, false, true],
  ];
  const optionSets: LossOptions[] = [{}, { classWeights: [0.2, 1, 3] }, { smooth: 0.1 }, { unlabelled: partial }, { unlabelled: partial, classWeights: [0.5, 1, 2] }];
  it.each(LOSS_NAMES.flatMap((name) => optionSets.map((o) => ({ name, o }))))('$name $o: value and gradient (central differences)', async ({ name, o }) => {
    const n = 2;
    const k = 3;
    const { z, y, logitShape, labelShape } = randomCase([n, 2, 2, 3], k, 17);
    const labels = tf.tensor(y, labelShape, 'int32');
    const f = lossFunction(name);
    const zT = tf.tensor(Float32Array.from(z), logitShape);
    const value = (await f(zT, labels, o).data())[0];
    expect(value).toBeCloseTo(reference(name, z, y, n, k, o), 5);
    const g = await tf.grad((t: tf.Tensor) => f(t, labels, o))(zT).data();
    const h = 1e-6;
    let scale = 0;
    for (let i = 0; i < z.length; i++) {
      const zp = Float64Array.from(z);
      const zm = Float64Array.from(z);
      zp[i] += h;
      zm[i] -= h;
      const fd = (reference(name, zp, y, n, k, o) - reference(name, zm, y, n, k, o)) / (2 * h);
      expect(Math.abs(g[i] - fd)).toBeLessThan(2e-5 + 1e-3 * Math.abs(fd));
      scale = Math.max(scale, Math.abs(fd));
    }
    expect(scale).toBeGreaterThan(1e-3); // the gradient is not trivially zero
  });
});

describe('losses on real WebGPU agree with the CPU backend', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(LOSS_NAMES.flatMap((name) => [false, true].map((partial) => ({ name, partial }))))('$name (partial labels: $partial) on [2,8,8,8,3] logits: value within 1e-5 and gradient within 1e-6 of the CPU', async ({ name, partial }) => {
    const b = await webgpuForTests();
    const { z, y, logitShape, labelShape } = randomCase([2, 8, 8, 8], 3, 23);
    const o: LossOptions = { classWeights: [0.5, 1, 2], ...(partial ? { unlabelled: [[false, false, false], [false, true, false]] } : {}) };
    const run = async (backend: 'cpu' | 'webgpu') => {
      await tf.setBackend(backend);
      const zT = tf.tensor(Float32Array.from(z), logitShape);
      const labels = tf.tensor(y, labelShape, 'int32');
      const f = lossFunction(name);
      const value = f(zT, labels, o);
      const g = tf.grad((t: tf.Tensor) => f(t, labels, o))(zT);
      const out = { value: (await value.data())[0], g: await g.data() };
      tf.dispose([zT, labels, value, g]);
      return out;
    };
    await b.run(`${name} loss parity`, async () => {
      const gpu = await run('webgpu');
      const cpu = await run('cpu');
      expect(Math.abs(gpu.value - cpu.value)).toBeLessThan(1e-5);
      expect(gpu.value).toBeCloseTo(reference(name, z, y, 2, 3, o), 4);
      let err = 0;
      gpu.g.forEach((v, i) => (err = Math.max(err, Math.abs(v - cpu.g[i]))));
      expect(err).toBeLessThan(1e-6);
      expect(gpu.g.some((v) => v !== 0)).toBe(true);
    });
  });
});
