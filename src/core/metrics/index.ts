/** Public surface of the metrics: per-class confusion counts, Dice, IoU and volumes of label maps. */
export type { ClassCounts, ClassSelection, Labels } from './confusion';
export { confusionCounts } from './confusion';
export type { PerClass } from './overlap';
export { computeDice, computeIoU, DiceMetric, meanIgnoringNaN } from './overlap';
export { classCounts, volumesMl } from './volumes';
export type { OrganStatistics, OrganStatisticsJson, StatisticsOptions } from './statistics';
export { organStatistics, statisticsCsv, statisticsJson } from './statistics';
