/** Volumes of labelled structures. */
import type { ClassSelection, Labels } from './confusion';

/** Voxel count per class (labels are whole numbers ≥ 0), indexed by class. */
export function classCounts(labels: Labels): Float64Array {
  let max = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] > max) max = labels[i];
  const counts = new Float64Array(max + 1);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/**
 * Volume in millilitres of each class: voxel count × voxel volume (spacing (x, y, z) in mm; 1 mL =
 * 1000 mm³). Reports every class present (background only with `includeBackground`), and listed
 * `classes` even when absent (0 mL).
 */
export function volumesMl(labels: Labels, spacing: readonly [number, number, number], sel: ClassSelection = {}): Map<number, number> {
  const counts = classCounts(labels);
  const voxelMl = (spacing[0] * spacing[1] * spacing[2]) / 1000;
  const present: number[] = [];
  for (let c = sel.includeBackground ? 0 : 1; c < counts.length; c++) if (counts[c] > 0) present.push(c);
  const classes = sel.classes ?? present;
  return new Map(classes.map((c) => [c, (c < counts.length ? counts[c] : 0) * voxelMl]));
}
