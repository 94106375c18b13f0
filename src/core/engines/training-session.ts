/**
 * The resources of one training run: training grids on the CPU, the same volumes on the GPU, the
 * sampler and its error maps, the network and its optimiser. Built once at start, disposed at the end
 * (the network is kept: it becomes a model the workbench can segment with and save).
 */
import type { Device, DeviceLimits } from '../backend/device';
import { labelArray, type Vec3 } from '../data';
import { WorkbenchError } from '../errors';
import { createDualPathNet, type DualPathNet } from '../networks';
import { buildClassIndex, ErrorMapStore, ISampler, UniformSampler, type ClassIndex } from '../sampling';
import { uploadTrainingSet, type GpuTrainingSet } from '../transforms';
import { NesterovSgd } from './optimizer';
import type { TrainingPlan } from './train-options';
import { prepareTrainingGrid, remapLabels, type TrainingGrid } from './training-data';

export interface TrainingSession {
  plan: TrainingPlan;
  grids: TrainingGrid[];
  valGrids: TrainingGrid[];
  /** Label maps of the validation scans on their own grids, remapped to classes. */
  valTruth: Uint8Array[];
  trainSet: GpuTrainingSet;
  valSet?: GpuTrainingSet;
  indexes: ClassIndex[];
  /**
   * Per training scan and class (background first): true when the scan does not label the class (see
   * `TrainOptions.labelledClasses`). All false for a fully labelled scan.
   */
  unlabelled: boolean[][];
  errorMaps: ErrorMapStore;
  sampler: ISampler | UniformSampler;
  net: DualPathNet;
  optimizer: NesterovSgd;
}

function grids(plan: TrainingPlan, pairs: TrainingPlan['train']): TrainingGrid[] {
  return pairs.map((p) =>
    prepareTrainingGrid({ image: p.image.volume, label: p.label.volume, spacing: plan.spacing, classes: plan.classes }),
  );
}

function upload(gs: TrainingGrid[], limits: DeviceLimits | undefined): GpuTrainingSet {
  return uploadTrainingSet(gs.map((g) => ({ name: g.name, image: g.image, labels: g.labels, dims: g.dims, spacing: g.spacing })), { limits });
}

/**
 * Which classes each training scan labels: those `labelledClasses` lists for it, else those with voxels on
 * its training grid. Voxels of a class the scan does not label are set to 0 (background or unlabelled).
 */
export function unlabelledClasses(plan: TrainingPlan, trainGrids: TrainingGrid[]): boolean[][] {
  const numClasses = plan.classes.length + 1;
  return trainGrids.map((g, i) => {
    const labels = g.labels!;
    const listed = plan.labelled[i];
    const has = new Array<boolean>(numClasses).fill(false);
    if (listed) for (const value of listed) has[plan.classes.indexOf(value) + 1] = true;
    else for (let v = 0; v < labels.length; v++) has[labels[v]] = true;
    has[0] = true;
    if (listed) for (let v = 0; v < labels.length; v++) if (!has[labels[v]]) labels[v] = 0;
    return has.map((h) => !h);
  });
}

/** Prepares grids, samplers, GPU data (checked against `device`'s limits) and a fresh network for `plan`. */
export function openSession(plan: TrainingPlan, device: Device): TrainingSession {
  const trainGrids = grids(plan, plan.train);
  const valGrids = grids(plan, plan.validation);
  const numClasses = plan.classes.length + 1;
  const unlabelled = unlabelledClasses(plan, trainGrids);
  const indexes = trainGrids.map((g) => buildClassIndex({ name: g.name, labels: g.labels!, dims: g.dims }, numClasses));
  for (const [i, ix] of indexes.entries()) {
    if (ix.present.length < 2) {
      throw new WorkbenchError('bad-labels', `${trainGrids[i].name} holds none of the chosen classes at ${plan.spacing.join('×')} mm; choose classes that occur in it.`);
    }
  }
  const errorMaps = new ErrorMapStore(trainGrids.map((g) => g.dims as Vec3));
  const sampler =
    plan.sampler === 'isample'
      ? new ISampler(indexes, errorMaps, { epsilon: plan.epsilon, scansPerBatch: plan.scansPerBatch })
      : new UniformSampler(indexes, { scansPerBatch: plan.scansPerBatch, store: errorMaps });
  const trainSet = upload(trainGrids, device.limits);
  const valSet = valGrids.length ? upload(valGrids, device.limits) : undefined;
  const valTruth = plan.validation.map((p) => remapLabels(labelArray(p.label.volume), plan.classes));
  const net = createDualPathNet({ preset: plan.preset, numClasses, seed: plan.seed });
  const optimizer = new NesterovSgd({ learningRate: plan.learningRate });
  return { plan, grids: trainGrids, valGrids, valTruth, trainSet, valSet, indexes, unlabelled, errorMaps, sampler, net, optimizer };
}

/** Frees the GPU volumes and the optimiser's state; the network stays. */
export function closeSession(s: TrainingSession): void {
  s.trainSet.dispose();
  s.valSet?.dispose();
  s.optimizer.dispose();
}
