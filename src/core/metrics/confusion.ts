/**
 * Per-class confusion counts between a predicted and a reference label map (same grid, same
 * layout, e.g. `labels[i + nx*(j + ny*k)]` = NDHWC `[1, nz, ny, nx, 1]`).
 */

export type Labels = ArrayLike<number>;

export interface ClassCounts {
  /** Voxels that are this class in both. */
  tp: number;
  /** Predicted as this class, something else in the reference. */
  fp: number;
  /** This class in the reference, predicted as something else. */
  fn: number;
  /** tp + fp: voxels predicted as this class. */
  predicted: number;
  /** tp + fn: voxels of this class in the reference. */
  reference: number;
}

export interface ClassSelection {
  /**
   * Classes to report. Default: every class present in either map, without background (0)
   * unless `includeBackground`. Listed classes are reported even when absent from both.
   */
  classes?: number[];
  includeBackground?: boolean;
}

function checkPair(pred: Labels, truth: Labels): void {
  if (pred.length !== truth.length) {
    throw new RangeError(`label maps differ in size: prediction has ${pred.length} voxels, reference ${truth.length}`);
  }
}

/** Counts tp, fp, fn per class in one pass (classes are whole numbers ≥ 0). */
export function confusionCounts(pred: Labels, truth: Labels, sel: ClassSelection = {}): Map<number, ClassCounts> {
  checkPair(pred, truth);
  let max = 0;
  for (let i = 0; i < pred.length; i++) {
    if (pred[i] > max) max = pred[i];
    if (truth[i] > max) max = truth[i];
  }
  const tp = new Float64Array(max + 1);
  const np = new Float64Array(max + 1);
  const nt = new Float64Array(max + 1);
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i];
    const t = truth[i];
    np[p]++;
    nt[t]++;
    if (p === t) tp[p]++;
  }
  const classes = sel.classes ?? [];
  if (!sel.classes) {
    for (let c = sel.includeBackground ? 0 : 1; c <= max; c++) if (np[c] > 0 || nt[c] > 0) classes.push(c);
  }
  const out = new Map<number, ClassCounts>();
  for (const c of classes) {
    const t = c <= max ? tp[c] : 0;
    const p = c <= max ? np[c] : 0;
    const r = c <= max ? nt[c] : 0;
    out.set(c, { tp: t, fp: p - t, fn: r - t, predicted: p, reference: r });
  }
  return out;
}
