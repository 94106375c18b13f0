/**
 * The losses by name, with how the UI lists them: plain constants (no tfjs), so the UI and configs can
 * import them from here; `loss-function.ts` maps each name to its function.
 */
export type LossName = 'cross-entropy' | 'iou' | 'dice';

export const LOSS_NAMES: readonly LossName[] = ['cross-entropy', 'iou', 'dice'];

/** Each loss in words, for option lists. */
export const LOSS_TITLES: Readonly<Record<LossName, string>> = { 'cross-entropy': 'cross-entropy', iou: 'soft IoU (Jaccard)', dice: 'soft Dice' };
