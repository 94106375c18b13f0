/** Losses by name, for configs and the UI. */
import type * as tf from '@tensorflow/tfjs';
import { WorkbenchError } from '../errors';
import type { LossOptions } from './common';
import { crossEntropyLoss } from './cross-entropy';
import { softDiceLoss, softIoULoss } from './soft-overlap';

import { LOSS_NAMES, type LossName } from './loss-names';

export { LOSS_NAMES, type LossName };

/** logits NDHWC `[N, D, H, W, K]`, labels int32 `[N, D, H, W]` → scalar loss. */
export type LossFn = (logits: tf.Tensor, labels: tf.Tensor, opts?: LossOptions) => tf.Scalar;

const LOSSES: Record<LossName, LossFn> = { 'cross-entropy': crossEntropyLoss, iou: softIoULoss, dice: softDiceLoss };

export function lossFunction(name: LossName): LossFn {
  if (!Object.hasOwn(LOSSES, name)) throw new WorkbenchError('bad-argument', `Unknown loss "${String(name)}"; expected one of ${LOSS_NAMES.join(', ')}.`);
  return LOSSES[name];
}
