/**
 * Overlap metrics per class: Dice = 2·tp / (2·tp + fp + fn), IoU (Jaccard) = tp / (tp + fp + fn).
 *
 * A class absent from both maps has no defined overlap: its value is NaN (as MONAI's DiceMetric
 * with ignore_empty). By default only classes present in at least one map are reported, so NaN
 * appears only for classes asked for explicitly in `classes`. A class present in one map only
 * scores 0.
 */
import { confusionCounts, type ClassCounts, type ClassSelection, type Labels } from './confusion';

/** Class → metric value. */
export type PerClass = Map<number, number>;

function perClass(pred: Labels, truth: Labels, sel: ClassSelection, f: (c: ClassCounts) => number): PerClass {
  const out: PerClass = new Map();
  for (const [c, counts] of confusionCounts(pred, truth, sel)) {
    out.set(c, counts.tp + counts.fp + counts.fn === 0 ? NaN : f(counts));
  }
  return out;
}

export function computeDice(pred: Labels, truth: Labels, sel: ClassSelection = {}): PerClass {
  return perClass(pred, truth, sel, (c) => (2 * c.tp) / (2 * c.tp + c.fp + c.fn));
}

export function computeIoU(pred: Labels, truth: Labels, sel: ClassSelection = {}): PerClass {
  return perClass(pred, truth, sel, (c) => c.tp / (c.tp + c.fp + c.fn));
}

/** Mean of the non-NaN values (NaN when there are none). */
export function meanIgnoringNaN(values: Iterable<number>): number {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (!Number.isNaN(v)) {
      sum += v;
      n++;
    }
  }
  return n ? sum / n : NaN;
}

/**
 * Accumulates Dice over cases, like MONAI's `DiceMetric` with reduction "mean_batch": `add` scores
 * one case; `aggregate` averages each class over the cases where it is defined (not NaN).
 */
export class DiceMetric {
  private readonly sums = new Map<number, { sum: number; n: number }>();
  private cases = 0;

  constructor(private readonly sel: ClassSelection = {}) {}

  add(pred: Labels, truth: Labels): PerClass {
    const d = computeDice(pred, truth, this.sel);
    for (const [c, v] of d) {
      const s = this.sums.get(c) ?? { sum: 0, n: 0 };
      if (!Number.isNaN(v)) {
        s.sum += v;
        s.n++;
      }
      this.sums.set(c, s);
    }
    this.cases++;
    return d;
  }

  /** Per-class mean Dice over the cases so far, their mean over classes, and the number of cases. */
  aggregate(): { perClass: PerClass; mean: number; cases: number } {
    const perClass: PerClass = new Map([...this.sums].sort((a, b) => a[0] - b[0]).map(([c, s]) => [c, s.n ? s.sum / s.n : NaN]));
    return { perClass, mean: meanIgnoringNaN(perClass.values()), cases: this.cases };
  }

  reset(): void {
    this.sums.clear();
    this.cases = 0;
  }
}
