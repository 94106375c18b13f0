export { crossEntropyLoss } from './cross-entropy';
export { softDiceLoss, softIoULoss } from './soft-overlap';
export { lossFunction, LOSS_NAMES } from './loss-function';
export type { LossFn, LossName } from './loss-function';
export type { LossOptions } from './common';
