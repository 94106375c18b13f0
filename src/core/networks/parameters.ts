/**
 * The network's variables, created from the layer list with a seeded Glorot (Xavier uniform) init.
 *
 * Shapes: 3³ conv weights `[3,3,3,Cin,Cout]` (tfjs conv3d filter layout), 1³ conv weights `[1,1,1,Cin,Cout]`,
 * fully connected weights `[Cin,Cout]` with bias `[Cout]`; batch-norm gamma/beta/mean/variance `[1,1,1,1,C]`
 * (never 1-D: tfjs 4.22 on WebGPU miscompiles 5-D ⊕ 1-D broadcasts).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';
import type { LayerSpec } from './architecture';

export type ParamRole = 'weight' | 'bias' | 'gamma' | 'beta' | 'runningMean' | 'runningVar';

export interface NamedParam {
  /** "<layer>/<w|b|gamma|beta|mean|var>", unique within the network and stable across versions. */
  name: string;
  layer: string;
  role: ParamRole;
  variable: tf.Variable;
}

const SUFFIX: Record<ParamRole, string> = { weight: 'w', bias: 'b', gamma: 'gamma', beta: 'beta', runningMean: 'mean', runningVar: 'var' };

/** Xavier-uniform values: U(±sqrt(6 / (fanIn + fanOut))), fan = kernel volume × channels. */
export function glorotUniform(shape: number[], rng: Rng): Float32Array {
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const fanIn = receptive * shape[shape.length - 2];
  const fanOut = receptive * shape[shape.length - 1];
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(-limit, limit);
  return out;
}

export function weightShape(l: LayerSpec): number[] {
  return l.kind === 'fc' ? [l.inChannels, l.outChannels] : [l.kernel, l.kernel, l.kernel, l.inChannels, l.outChannels];
}

function makeParam(layer: string, role: ParamRole, value: tf.Tensor, trainable: boolean): NamedParam {
  // No tfjs variable names: they are global to the engine, and two nets may coexist.
  const variable = tf.variable(value, trainable);
  value.dispose();
  return { name: `${layer}/${SUFFIX[role]}`, layer, role, variable };
}

/** All parameters of the layers, in layer order; the draws from `rng` depend only on the layer list. */
export function createParameters(layers: LayerSpec[], rng: Rng): NamedParam[] {
  const params: NamedParam[] = [];
  for (const l of layers) {
    const shape = weightShape(l);
    params.push(makeParam(l.name, 'weight', tf.tensor(glorotUniform(shape, rng), shape), true));
    if (l.bias) params.push(makeParam(l.name, 'bias', tf.zeros([l.outChannels]), true));
    if (l.batchNorm) {
      const c: [number, number, number, number, number] = [1, 1, 1, 1, l.outChannels];
      params.push(makeParam(l.name, 'gamma', tf.ones(c), true));
      params.push(makeParam(l.name, 'beta', tf.zeros(c), true));
      params.push(makeParam(l.name, 'runningMean', tf.zeros(c), false));
      params.push(makeParam(l.name, 'runningVar', tf.ones(c), false));
    }
  }
  return params;
}

/** Lookup of a network's parameters by layer and role. */
export class ParameterSet {
  private readonly byName = new Map<string, NamedParam>();

  constructor(readonly list: NamedParam[]) {
    for (const p of list) this.byName.set(p.name, p);
  }

  get(layer: string, role: ParamRole): tf.Variable {
    const p = this.byName.get(`${layer}/${SUFFIX[role]}`);
    if (!p) throw new Error(`no parameter ${layer}/${SUFFIX[role]}`);
    return p.variable;
  }

  find(name: string): NamedParam | undefined {
    return this.byName.get(name);
  }

  dispose(): void {
    for (const p of this.list) p.variable.dispose();
  }
}
