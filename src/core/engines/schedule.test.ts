import { describe, expect, it } from 'vitest';
import { expectWorkbenchError } from '../../testing/errors';
import { learningRateAt, LR_SCHEDULES, scheduleByName } from './schedule';

describe('learning-rate schedule', () => {
  const s = scheduleByName('paper');

  it('paper defaults: lr 1e-3, 5 warm-up epochs of 100 batches, halved every 25 epochs; multi-organ lr 0.05', () => {
    expect(s).toEqual({ baseLearningRate: 1e-3, warmupEpochs: 5, batchesPerEpoch: 100, decayEveryEpochs: 25, decayFactor: 0.5 });
    expect(scheduleByName('paper-multi-organ').baseLearningRate).toBe(0.05);
    expect(scheduleByName('paper-multi-organ').decayEveryEpochs).toBe(25);
  });

  it('warms up linearly over 500 iterations, reaching the base rate at the last warm-up iteration', () => {
    expect(learningRateAt(s, 0)).toBeCloseTo(1e-3 / 500, 12);
    expect(learningRateAt(s, 249)).toBeCloseTo(0.5e-3, 12);
    expect(learningRateAt(s, 499)).toBeCloseTo(1e-3, 12);
    for (let i = 1; i < 500; i++) expect(learningRateAt(s, i)).toBeGreaterThan(learningRateAt(s, i - 1));
  });

  it('holds the base rate after warm-up, then halves at epochs 25, 50, 75', () => {
    expect(learningRateAt(s, 500)).toBe(1e-3);
    expect(learningRateAt(s, 2499)).toBe(1e-3); // epoch 24
    expect(learningRateAt(s, 2500)).toBe(0.5e-3); // epoch 25
    expect(learningRateAt(s, 4999)).toBe(0.5e-3);
    expect(learningRateAt(s, 5000)).toBe(0.25e-3);
    expect(learningRateAt(s, 7500)).toBe(0.125e-3);
    const m = LR_SCHEDULES['paper-multi-organ'];
    expect(learningRateAt(m, 100 * 60)).toBeCloseTo(0.05 / 4, 12);
  });

  it('a schedule without warm-up starts at the base rate', () => {
    expect(learningRateAt({ ...s, warmupEpochs: 0 }, 0)).toBe(1e-3);
  });

  it('rejects bad iterations and unknown names', () => {
    for (const f of [() => learningRateAt(s, -1), () => learningRateAt(s, 1.5), () => scheduleByName('cosine' as 'paper')]) expectWorkbenchError(f, 'bad-argument');
  });
});
