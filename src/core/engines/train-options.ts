/**
 * `train()` options → a complete, checked training plan: which scans (each with its label map), which
 * classes, and every hyper-parameter with its default. Defaults follow the paper (DEVELOPERS.md) where a
 * short browser run allows; where it does not (warm-up over 5 epochs of 100 batches), they say so.
 */
import { TRAINING_DEFAULTS as D } from './training-defaults';
import type { TrainOptions } from './contract';
import type { Vec3 } from '../data';
import { WorkbenchError } from '../errors';
import { presetConfig, type PresetName } from '../networks';
import { DEFAULT_AUGMENT, type PhotometricParams } from '../transforms';
import type { LrSchedule } from './schedule';
import type { StoredVolume, VolumeStore } from './volume-store';

export interface TrainingPair {
  image: StoredVolume;
  label: StoredVolume;
}

export interface TrainingPlan {
  runName: string;
  preset: PresetName;
  sampler: 'isample' | 'uniform';
  epsilon: number;
  loss: 'cross-entropy' | 'iou' | 'dice';
  iterations: number;
  batchSize: number;
  outputSize: number;
  learningRate: number;
  schedule: LrSchedule;
  seed: number;
  spacing: Vec3;
  errorMapEvery: number;
  validateEvery: number;
  augment: boolean;
  /** Intensity augmentation (`enabled: false` when off). */
  photometric: PhotometricParams;
  /** Loss weight per class (background first), when not all 1. */
  classWeights?: number[];
  scansPerBatch: number;
  /** Label values learnt, in class order (class k = classes[k − 1]; class 0 is background). */
  classes: number[];
  /** Per training pair: the label values its map labels, when `labelledClasses` names it (else decided from its voxels). */
  labelled: (number[] | undefined)[];
  /** Background first. */
  classNames: string[];
  train: TrainingPair[];
  validation: TrainingPair[];
}

function pairFor(store: VolumeStore, id: string, role: 'training' | 'validation'): TrainingPair {
  const image = store.get(id);
  if (image.info.role !== 'image') {
    throw new WorkbenchError('bad-argument', `${image.info.name} is a label map; give the id of its image for ${role}.`);
  }
  const labels = store.labelsOf(id);
  if (labels.length === 0) {
    throw new WorkbenchError(
      'missing-labels',
      `${image.info.name} has no label map attached, so it cannot be used for ${role}; load its label map (role "label") first.`,
    );
  }
  // The latest label map that is not a model's output: a file, or labels made by makeLabels (so that one
  // click on "Label lungs and bone automatically" is followed by training on those labels).
  const label = labels.filter((l) => l.info.origin !== 'segmentation').at(-1) ?? labels[0];
  return { image, label };
}

function positiveInt(name: string, v: number | undefined, dflt: number, max = 1e7): number {
  const x = v ?? dflt;
  if (!Number.isInteger(x) || x < 1 || x > max) throw new WorkbenchError('bad-argument', `${name} must be a whole number from 1 to ${max}; got ${v}.`);
  return x;
}

/** Warm-up over 5 epochs of 100 batches as in the paper, shortened to a tenth of the run for short runs. */
export function scheduleFor(lr: number, iterations: number): LrSchedule {
  const batchesPerEpoch = 100;
  const warmupEpochs = Math.min(5, (0.1 * iterations) / batchesPerEpoch);
  return { baseLearningRate: lr, warmupEpochs, batchesPerEpoch, decayEveryEpochs: 25, decayFactor: 0.5 };
}

function range(name: string, v: [number, number] | undefined, dflt: [number, number]): [number, number] {
  if (v === undefined) return [...dflt];
  if (!Array.isArray(v) || v.length !== 2 || !v.every(Number.isFinite) || v[0] > v[1]) {
    throw new WorkbenchError('bad-argument', `photometric.${name} must be [low, high] with low ≤ high; got ${JSON.stringify(v)}.`);
  }
  return [v[0], v[1]];
}

/** `photometric` option → sampler parameters (off unless asked for). */
export function photometricFor(opt: TrainOptions['photometric']): PhotometricParams {
  const d = DEFAULT_AUGMENT.photometric;
  if (!opt) return { ...d, enabled: false };
  const o = opt === true ? {} : opt;
  return { enabled: true, scale: range('scale', o.scale, d.scale), shift: range('shift', o.shift, d.shift), gamma: range('gamma', o.gamma, d.gamma), noiseSigma: range('noiseSigma', o.noiseSigma, d.noiseSigma) };
}

function checkClassWeights(w: number[] | undefined, k: number): number[] | undefined {
  if (w === undefined) return undefined;
  if (!Array.isArray(w) || w.length !== k || w.some((v) => !(v >= 0 && Number.isFinite(v))) || !w.some((v) => v > 0)) {
    throw new WorkbenchError('bad-argument', `classWeights needs ${k} non-negative numbers (background first), not all 0; got ${JSON.stringify(w)}.`);
  }
  return [...w];
}

function labelledPerScan(opts: TrainOptions, train: TrainingPair[], classes: number[]): (number[] | undefined)[] {
  const given = opts.labelledClasses;
  if (given === undefined) return train.map(() => undefined);
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new WorkbenchError('bad-argument', `labelledClasses must map image ids to lists of label values; got ${JSON.stringify(given)}.`);
  }
  for (const id of Object.keys(given)) {
    if (!opts.images.includes(id)) throw new WorkbenchError('bad-argument', `labelledClasses names ${id}, which is not one of the training images (${opts.images.join(', ')}).`);
  }
  return train.map((p) => {
    const values = given[p.image.info.id];
    if (values === undefined) return undefined;
    if (!Array.isArray(values) || values.some((v) => !classes.includes(v))) {
      throw new WorkbenchError('bad-argument', `labelledClasses for ${p.image.info.name} must list label values among the classes trained (${classes.join(', ')}); got ${JSON.stringify(values)}.`);
    }
    return [...values];
  });
}

export function planTraining(opts: TrainOptions, store: VolumeStore, defaults: { preset: PresetName }): TrainingPlan {
  if (!opts || !Array.isArray(opts.images) || opts.images.length === 0) {
    throw new WorkbenchError('bad-argument', 'train() needs at least one image id in `images`, each with a label map attached.');
  }
  const train = opts.images.map((id) => pairFor(store, id, 'training'));
  const validation = (opts.validation ?? []).map((id) => pairFor(store, id, 'validation'));
  const present = new Set<number>();
  for (const p of train) for (const k of Object.keys(p.label.info.labels ?? {})) present.add(Number(k));
  const classes = (opts.classes ?? [...present].sort((a, b) => a - b)).filter((c) => c !== 0);
  if (classes.length === 0) throw new WorkbenchError('bad-labels', `The training label maps hold no labels other than background (0); nothing to learn.`);
  for (const c of classes) {
    if (!present.has(c)) {
      throw new WorkbenchError('bad-labels', `Class ${c} does not occur in the training label maps (${train.map((p) => p.label.info.name).join(', ')}); they hold ${[...present].join(', ')}.`);
    }
  }
  const labelled = labelledPerScan(opts, train, classes);
  const names = train[0].label.info.labels ?? {};
  const preset = opts.preset ?? defaults.preset;
  const cfg = presetConfig(preset, classes.length + 1);
  const sampler = opts.sampler ?? D.sampler;
  const epsilon = opts.epsilon ?? D.epsilon;
  if (!(epsilon >= 0 && epsilon <= 1)) throw new WorkbenchError('bad-argument', `epsilon must lie in [0, 1]; got ${opts.epsilon}.`);
  const iterations = positiveInt('iterations', opts.iterations, D.iterations);
  const learningRate = opts.learningRate ?? D.learningRate;
  if (!(learningRate > 0 && learningRate < 10)) throw new WorkbenchError('bad-argument', `learningRate must be a positive number; got ${opts.learningRate}.`);
  const spacing = opts.spacing ?? cfg.defaults.spacing;
  if (spacing.length !== 3 || !spacing.every((s) => s > 0)) throw new WorkbenchError('bad-argument', `spacing must be three positive numbers (mm); got ${JSON.stringify(opts.spacing)}.`);
  return {
    runName: opts.runName ?? (sampler === 'isample' ? `isample ε=${epsilon}` : 'uniform'),
    preset,
    sampler,
    epsilon,
    loss: opts.loss ?? D.loss,
    iterations,
    batchSize: positiveInt('batchSize', opts.batchSize, cfg.defaults.batchSize, 256),
    outputSize: cfg.defaults.outputSize,
    learningRate,
    schedule: scheduleFor(learningRate, iterations),
    seed: opts.seed ?? D.seed,
    spacing: [...spacing] as Vec3,
    errorMapEvery: positiveInt('errorMapEvery', opts.errorMapEvery, D.errorMapEvery),
    validateEvery: positiveInt('validateEvery', opts.validateEvery, D.validateEvery),
    augment: opts.augment ?? D.augment,
    photometric: photometricFor(opts.photometric),
    classWeights: checkClassWeights(opts.classWeights, classes.length + 1),
    scansPerBatch: positiveInt('scansPerBatch', opts.scansPerBatch, 1, train.length),
    classes,
    labelled,
    classNames: ['background', ...classes.map((c) => names[c] ?? `label ${c}`)],
    train,
    validation,
  };
}
