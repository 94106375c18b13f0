/**
 * isample (the paper's Algorithm 1): propose image i, class k and centre c with L(c) = k as the uniform
 * sampler does, and accept it if E_i(c) > U(0, 1) − ε; repeat until the batch is full. ε = 1 accepts every
 * proposal (then no U(0, 1) is drawn, so the batch is identical to the uniform sampler's for the same seed).
 */
import { WorkbenchError } from '../errors';
import type { Rng } from '../random';
import type { ClassIndex } from './class-index';
import type { ErrorMapStore } from './error-map-store';
import { checkIndexes, emptyStats, finishStats, planSlots, propose, type BatchPlanOptions, type SampledBatch, type SampledPatch } from './proposals';

export interface ISamplerOptions extends BatchPlanOptions {
  /** ε in [0, 1]; default 0.01. */
  epsilon?: number;
  /** Safety valve for E ≈ 0 with ε = 0: after this many rejections a slot takes its next proposal. Default 100000. */
  maxProposalsPerPatch?: number;
  /** Count accepted centres in the store's density maps (default true). */
  recordDensity?: boolean;
}

export class ISampler {
  readonly epsilon: number;
  private readonly maxProposals: number;

  constructor(
    readonly indexes: readonly ClassIndex[],
    readonly store: ErrorMapStore,
    readonly options: ISamplerOptions = {},
  ) {
    checkIndexes(indexes);
    this.epsilon = options.epsilon ?? 0.01;
    if (!(this.epsilon >= 0 && this.epsilon <= 1)) throw new WorkbenchError('bad-argument', `isample's ε must lie in [0, 1]; got ${this.epsilon}.`);
    this.maxProposals = options.maxProposalsPerPatch ?? 100_000;
    if (store.count !== indexes.length) {
      throw new WorkbenchError('bad-argument', `isample has ${indexes.length} labelled images but ${store.count} error maps; they must correspond one to one.`);
    }
    indexes.forEach((x, i) => {
      if (store.error(i).length !== x.dims[0] * x.dims[1] * x.dims[2]) {
        throw new WorkbenchError('bad-dimensions', `Error map ${i} is ${store.dims[i].join('×')} but ${x.name} is ${x.dims.join('×')}.`);
      }
    });
  }

  /** `n` accepted centres, with acceptance statistics. */
  nextBatch(n: number, rng: Rng): SampledBatch {
    const { slots, scans } = planSlots(n, this.indexes.length, this.options, rng);
    const stats = emptyStats(Math.max(...this.indexes.map((x) => x.numClasses)));
    const acceptAll = this.epsilon >= 1;
    const patches: SampledPatch[] = slots.map((slot) => {
      for (let tries = 1; ; tries++) {
        const p = propose(this.indexes, slot, rng);
        stats.proposals++;
        const accepted = acceptAll || this.store.error(p.image)[p.voxel] > rng.next() - this.epsilon;
        const forced = !accepted && tries >= this.maxProposals;
        if (accepted || forced) {
          stats.accepted++;
          if (forced) stats.forced++;
          stats.perClass[p.classId]++;
          if (this.options.recordDensity ?? true) this.store.recordCentre(p.image, p.voxel);
          return { image: p.image, centre: p.centre, classId: p.classId, voxel: p.voxel };
        }
      }
    });
    return { patches, stats: finishStats(stats), scans };
  }
}
