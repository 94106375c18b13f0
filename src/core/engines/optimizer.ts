/**
 * Stochastic gradient descent with Nesterov momentum and L2 weight decay (the paper's optimiser), in the
 * PyTorch formulation: with g ← g + λ·w for decayed weights,
 *   v ← μ·v + g,   w ← w − lr·(g + μ·v)      (plain momentum: w ← w − lr·v).
 * The update runs on flat 1-D views of each variable (no 5-D element-wise ops on WebGPU).
 */
import * as tf from '@tensorflow/tfjs';
import { WorkbenchError } from '../errors';

export const DEFAULT_MOMENTUM = 0.8;
export const DEFAULT_WEIGHT_DECAY = 1e-4;

export interface SgdOptions {
  learningRate: number;
  /** μ, default 0.8. */
  momentum?: number;
  /** Default true. */
  nesterov?: boolean;
}

export interface ParameterUpdate {
  variable: tf.Variable;
  grad: tf.Tensor;
  /** L2 coefficient λ for this variable (0 for none). */
  weightDecay: number;
}

export class NesterovSgd {
  /** Set before each step from the schedule. */
  learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  private readonly velocity = new Map<tf.Variable, tf.Variable>();
  private steps = 0;

  constructor(opts: SgdOptions) {
    const momentum = opts.momentum ?? DEFAULT_MOMENTUM;
    if (!(opts.learningRate >= 0) || !(momentum >= 0 && momentum < 1)) {
      throw new WorkbenchError('bad-argument', `SGD needs a learning rate ≥ 0 and momentum in [0, 1); got ${opts.learningRate} and ${momentum}.`);
    }
    this.learningRate = opts.learningRate;
    this.momentum = momentum;
    this.nesterov = opts.nesterov ?? true;
  }

  /** Number of steps taken. */
  get iterations(): number {
    return this.steps;
  }

  private velocityOf(v: tf.Variable): tf.Variable {
    let vel = this.velocity.get(v);
    if (!vel) {
      vel = tf.tidy(() => tf.variable(tf.zeros([v.size]), false));
      this.velocity.set(v, vel);
    }
    return vel;
  }

  /** One update of every listed variable. Does not dispose the gradients. */
  step(updates: ParameterUpdate[]): void {
    const lr = this.learningRate;
    const mu = this.momentum;
    for (const { variable, grad, weightDecay } of updates) {
      if (grad.size !== variable.size) {
        throw new WorkbenchError('bad-argument', `Gradient of size ${grad.size} for a variable of size ${variable.size} (shape [${variable.shape.join(', ')}]).`);
      }
      const vel = this.velocityOf(variable);
      tf.tidy(() => {
        const w = tf.reshape(variable, [variable.size]);
        let g = tf.reshape(grad, [grad.size]);
        if (weightDecay > 0) g = tf.add(g, tf.mul(w, weightDecay));
        const v = tf.add(tf.mul(vel, mu), g);
        const update = this.nesterov ? tf.add(g, tf.mul(v, mu)) : v;
        vel.assign(v);
        variable.assign(tf.reshape(tf.sub(w, tf.mul(update, lr)), variable.shape));
      });
    }
    this.steps++;
  }

  dispose(): void {
    for (const v of this.velocity.values()) v.dispose();
    this.velocity.clear();
  }
}
