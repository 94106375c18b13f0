/** Test helpers: models and volumes built for a purpose (a model that always answers background, a thin slab). */
import * as tf from '@tensorflow/tfjs';
import { createDualPathNet } from '../../networks';
import type { Engine } from '../engine';
import { modelInfo } from '../models';

const HU = { min: -1000, max: 1000, divisor: 218 };

function register(engine: Engine, net: ReturnType<typeof createDualPathNet>, id: string, name: string, classNames: string[]): string {
  const t = { classNames, trainingSpacing: [6, 6, 6] as [number, number, number], normalisation: HU, provenance: { seed: net.seed } };
  const info = modelInfo(net, t, { id, name, source: 'uploaded' });
  engine.modelRegistry.add({ info, net, meta: { classNames, trainingSpacing: t.trainingSpacing, normalisation: HU } });
  return info.id;
}

/** A built tiny model (6 mm, HU) with Glorot weights from `seed`: untrained, but deterministic. */
export function randomTinyModel(engine: Engine, seed: number): string {
  return register(engine, createDualPathNet({ preset: 'tiny', numClasses: 3, seed }), `random-${seed}`, `random tiny ${seed}`, ['background', 'spleen', 'liver']);
}

/** A built tiny model (6 mm, HU) whose last layer always answers background: its results are empty. */
export function backgroundOnlyModel(engine: Engine): string {
  const net = createDualPathNet({ preset: 'tiny', numClasses: 3, seed: 1 });
  const last = net.layers.head[net.layers.head.length - 1].name;
  for (const p of net.params.list) {
    if (p.layer !== last) continue;
    tf.tidy(() => p.variable.assign(p.role === 'bias' ? tf.tensor1d([20, -20, -20]) : tf.zerosLike(p.variable)));
  }
  return register(engine, net, 'background-only', 'background only', ['background', 'spleen', 'liver']);
}
