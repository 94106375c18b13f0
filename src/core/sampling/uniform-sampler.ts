/**
 * Class-balanced uniform sampler (the baseline): pick an image, a class uniformly among the classes
 * present in it, and a centre uniformly among the voxels of that class.
 */
import type { Rng } from '../random';
import type { ClassIndex } from './class-index';
import type { ErrorMapStore } from './error-map-store';
import { checkIndexes, emptyStats, finishStats, planSlots, propose, type BatchPlanOptions, type SampledBatch } from './proposals';

export interface UniformSamplerOptions extends BatchPlanOptions {
  /** If given, accepted centres are counted in its density maps. */
  store?: ErrorMapStore;
}

export class UniformSampler {
  constructor(
    readonly indexes: readonly ClassIndex[],
    readonly options: UniformSamplerOptions = {},
  ) {
    checkIndexes(indexes);
  }

  /** `n` patch centres; see SampledBatch. */
  nextBatch(n: number, rng: Rng): SampledBatch {
    const { slots, scans } = planSlots(n, this.indexes.length, this.options, rng);
    const stats = emptyStats(Math.max(...this.indexes.map((x) => x.numClasses)));
    const patches = slots.map((slot) => {
      const p = propose(this.indexes, slot, rng);
      stats.proposals++;
      stats.accepted++;
      stats.perClass[p.classId]++;
      this.options.store?.recordCentre(p.image, p.voxel);
      return { image: p.image, centre: p.centre, classId: p.classId, voxel: p.voxel };
    });
    return { patches, stats: finishStats(stats), scans };
  }
}
