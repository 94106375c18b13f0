/**
 * Learning-rate schedules: linear warm-up over the first epochs, then step decay (multiply by `decayFactor`
 * every `decayEveryEpochs` epochs, counted from epoch 0). An epoch is `batchesPerEpoch` iterations.
 */
import { WorkbenchError } from '../errors';

export interface LrSchedule {
  baseLearningRate: number;
  warmupEpochs: number;
  batchesPerEpoch: number;
  decayEveryEpochs: number;
  decayFactor: number;
}

export type ScheduleName = 'paper' | 'paper-multi-organ';

/** The paper's defaults: lr 1e-3 (binary tasks) or 0.05 (multi-organ), 5 warm-up epochs of 100 batches, halved every 25 epochs. */
export const LR_SCHEDULES: Readonly<Record<ScheduleName, Readonly<LrSchedule>>> = {
  paper: { baseLearningRate: 1e-3, warmupEpochs: 5, batchesPerEpoch: 100, decayEveryEpochs: 25, decayFactor: 0.5 },
  'paper-multi-organ': { baseLearningRate: 0.05, warmupEpochs: 5, batchesPerEpoch: 100, decayEveryEpochs: 25, decayFactor: 0.5 },
};

export function scheduleByName(name: ScheduleName): LrSchedule {
  if (!Object.hasOwn(LR_SCHEDULES, name)) {
    throw new WorkbenchError('bad-argument', `Unknown learning-rate schedule "${String(name)}"; expected one of ${Object.keys(LR_SCHEDULES).join(', ')}.`);
  }
  return { ...LR_SCHEDULES[name] };
}

/**
 * The learning rate for 0-based `iteration`: base·(i + 1)/W during the W = warmupEpochs·batchesPerEpoch
 * warm-up iterations, then base·factor^⌊epoch / decayEvery⌋.
 */
export function learningRateAt(s: LrSchedule, iteration: number): number {
  if (!Number.isInteger(iteration) || iteration < 0) {
    throw new WorkbenchError('bad-argument', `A training iteration is a non-negative integer; got ${iteration}.`);
  }
  const warmup = s.warmupEpochs * s.batchesPerEpoch;
  if (iteration < warmup) return (s.baseLearningRate * (iteration + 1)) / warmup;
  const epoch = Math.floor(iteration / s.batchesPerEpoch);
  return s.baseLearningRate * s.decayFactor ** Math.floor(epoch / s.decayEveryEpochs);
}
