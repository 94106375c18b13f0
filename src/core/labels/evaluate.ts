/**
 * Scoring automatic labels against a reference label map whose values differ (TotalSegmentator's 104
 * classes, IRCADb's organ numbers): each reference is mapped onto the automatic structures first.
 */
import { computeDice } from '../metrics';

export interface ReferenceMap {
  /** Reference values that are lung (either side; the side is compared through `lungLeft`/`lungRight` when given). */
  lungLeft: number[];
  lungRight: number[];
  bone: number[];
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

export const REFERENCE_MAPS = {
  /** TotalSegmentator v1 (patient A): lung upper/lower lobes left 13–14, right 15–17; vertebrae 18–41, ribs 58–81, femur 88–89, hips 90–91, sacrum 92. */
  'totalseg-v1': { lungLeft: [13, 14], lungRight: [15, 16, 17], bone: [...range(18, 41), ...range(58, 81), 88, 89, 90, 91, 92] },
  /** 3D-IRCADb-01 as converted in this project: 5 lung right, 6 lung left, 7 bone. */
  ircadb: { lungLeft: [6], lungRight: [5], bone: [7] },
} satisfies Record<string, ReferenceMap>;

export type ReferenceMapName = keyof typeof REFERENCE_MAPS;

/** Dice of lungs (both), lung_left, lung_right and bone; NaN where neither has the structure. */
export function scoreAutoLabels(auto: Uint8Array, ref: ArrayLike<number>, map: ReferenceMap): Record<string, number> {
  const n = auto.length;
  const lut = new Map<number, number>();
  for (const v of map.lungLeft) lut.set(v, 2);
  for (const v of map.lungRight) lut.set(v, 3);
  for (const v of map.bone) lut.set(v, 4);
  const r = new Uint8Array(n), a = new Uint8Array(n);
  for (let i = 0; i < n; i++) { r[i] = lut.get(ref[i]) ?? 0; a[i] = auto[i] === 1 ? 0 : auto[i]; }
  const per = computeDice(a, r, { classes: [2, 3, 4] });
  const lungsA = new Uint8Array(n), lungsR = new Uint8Array(n);
  for (let i = 0; i < n; i++) { lungsA[i] = a[i] === 2 || a[i] === 3 ? 1 : 0; lungsR[i] = r[i] === 2 || r[i] === 3 ? 1 : 0; }
  const both = computeDice(lungsA, lungsR, { classes: [1] });
  const round = (x: number | undefined): number => (x === undefined ? NaN : Math.round(x * 1000) / 1000);
  return { lungs: round(both.get(1)), lung_left: round(per.get(2)), lung_right: round(per.get(3)), bone: round(per.get(4)) };
}
