/**
 * Training defaults, in one place: what `planTraining` fills in for an option left out, and what the UI's
 * form and its "Train on the demo scan" button start from. Plain constants and types (no tfjs), so the UI
 * imports them from here.
 */
import type { PresetName } from '../networks/presets';
import type { SamplerName, TrainOptions } from './contract';

/** The patch samplers a run can use (isample: error-driven; uniform: the baseline). */
export const SAMPLER_NAMES: readonly SamplerName[] = ['isample', 'uniform'];

/** What a run uses for an option it does not set (the preset and budget depend on the device: below). */
export const TRAINING_DEFAULTS = {
  sampler: 'isample',
  epsilon: 0.01,
  loss: 'cross-entropy',
  learningRate: 0.05,
  seed: 1,
  iterations: 200,
  errorMapEvery: 25,
  validateEvery: 50,
  augment: true,
} as const satisfies Partial<TrainOptions>;

/** The network preset when none is given: 'tiny' where compute runs on the CPU (`Device.software`), else 'small'. */
export function defaultPresetFor(software: boolean): PresetName {
  return software ? 'tiny' : 'small';
}

/** Defaults for one click on "Train on the demo scan", by device: minutes on a software adapter, more on a GPU. */
export function demoTrainingDefaults(software: boolean): Omit<TrainOptions, 'images'> {
  const common = { sampler: TRAINING_DEFAULTS.sampler, epsilon: TRAINING_DEFAULTS.epsilon, seed: TRAINING_DEFAULTS.seed, preset: defaultPresetFor(software) };
  return software
    ? { ...common, spacing: [6, 6, 6], iterations: 150, batchSize: 4, errorMapEvery: 25, validateEvery: 50 }
    : { ...common, spacing: [3, 3, 3], iterations: 1500, batchSize: 8, errorMapEvery: 50, validateEvery: 100 };
}
