/**
 * One optimisation step of the dual-path network on a batch of patches: forward in training mode (batch
 * statistics, dropout), loss, gradients of every trainable variable, SGD update with L2 decay on
 * `net.l2Variables`. The L2 term λ/2·Σw² is applied as its gradient λ·w inside the update (the same
 * optimisation, without taping the squares); the returned loss is the data term only.
 */
import * as tf from '@tensorflow/tfjs';
import type { Device } from '../backend/device';
import { lossFunction, type LossFn, type LossName, type LossOptions } from '../losses';
import type { DualPathNet } from '../networks';
import { DEFAULT_WEIGHT_DECAY, type NesterovSgd } from './optimizer';

export interface TrainBatch {
  /** `[N, O+2r_f, O+2r_f, O+2r_f, 1]` float32 */
  full: tf.Tensor5D;
  /** `[N, O/4+2r_c, …, 1]` float32, the same regions box-averaged by 4 */
  context: tf.Tensor5D;
  /** `[N, O, O, O]` int32 */
  labels: tf.Tensor4D;
}

export interface TrainStepParams {
  /** Runs the step (`Device.run`): GPU errors during it reject with a typed error. */
  device: Device;
  net: DualPathNet;
  optimizer: NesterovSgd;
  batch: TrainBatch;
  loss: LossName | LossFn;
  lossOptions?: LossOptions;
  /** L2 coefficient λ on `net.l2Variables` (default 1e-4). */
  l2?: number;
  /** Names the step in GPU error messages, e.g. "training step 120". */
  what?: string;
}

export interface TrainStepResult {
  /** The batch's data loss before this update. */
  loss: number;
}

/** Runs one step and resolves when its loss has been read back. Leaves no tensors behind. */
export async function trainStep(p: TrainStepParams): Promise<TrainStepResult> {
  const { net, optimizer, batch } = p;
  const lossFn = typeof p.loss === 'string' ? lossFunction(p.loss) : p.loss;
  const l2 = p.l2 ?? DEFAULT_WEIGHT_DECAY;
  const decayed = new Set(net.l2Variables);
  const vars = net.trainableVariables;
  return p.device.run(p.what ?? 'a training step', async () => {
    const { value, grads } = tf.variableGrads(() => lossFn(net.apply({ full: batch.full, context: batch.context }, true), batch.labels, p.lossOptions), vars);
    try {
      optimizer.step(vars.map((v) => ({ variable: v, grad: grads[v.name], weightDecay: decayed.has(v) ? l2 : 0 })));
      return { loss: (await value.data())[0] };
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  });
}
