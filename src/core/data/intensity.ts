/** Intensity windows for CT: clamp real values (HU) and scale them to a small range for the network; the HU test. */
import type { Volume } from './volume';

export interface ClampAndScaleParams {
  /** Lower clamp in real units (HU). Default −1000. */
  min?: number;
  /** Upper clamp in real units (HU). Default 1000. */
  max?: number;
  /** Divisor applied after clamping. Default 218. */
  divisor?: number;
}

export const DEFAULT_CLAMP: Required<ClampAndScaleParams> = { min: -1000, max: 1000, divisor: 218 };

/**
 * `clamp(x, min, max) / divisor` for each real value (HU), as a new Float32Array in the same
 * order (NDHWC-compatible when `values` is). NaN stays NaN. With the defaults, output lies in ±4.59.
 */
export function clampAndScale(values: ArrayLike<number>, p: ClampAndScaleParams = {}): Float32Array {
  const min = p.min ?? DEFAULT_CLAMP.min;
  const max = p.max ?? DEFAULT_CLAMP.max;
  const divisor = p.divisor ?? DEFAULT_CLAMP.divisor;
  if (!(min <= max)) throw new RangeError(`clampAndScale: min (${min}) must not exceed max (${max})`);
  if (!(divisor !== 0 && Number.isFinite(divisor))) throw new RangeError(`clampAndScale: divisor must be finite and non-zero, got ${divisor}`);
  const inv = 1 / divisor;
  const n = values.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = values[i];
    out[i] = (x < min ? min : x > max ? max : x) * inv;
  }
  return out;
}

/**
 * The test for "is this a CT in Hounsfield units?", shared by the automatic labeller (which refuses what
 * fails it) and segmentation (which warns). A CT of the body shows air, −1000 HU, around the patient and in
 * the lungs and bowel; an MR has no negative values at all, and a rescaled image (0..1, 0..255, raw 0..4095
 * without its rescale slope and intercept) has none near −1000.
 */
export interface HuTest {
  /** "Air": −900 HU is below any tissue (lung parenchyma ≈ −850 still counts as not pure air). */
  airHu: number;
  /** At least this fraction of voxels at or below `airHu` (1 %: a scan cropped tightly to the body still has lungs, bowel gas or a rim of air). */
  minAirFraction: number;
}

export const CT_HU_TEST: Readonly<HuTest> = Object.freeze({ airHu: -900, minAirFraction: 0.01 });

export interface HuFinding {
  looksLikeCt: boolean;
  /** Real values (slope and intercept applied). */
  min: number;
  max: number;
  /** Fraction of voxels at or below `airHu`. */
  airFraction: number;
  test: HuTest;
}

/** Applies the HU test to a volume's real values (one pass, no copy). */
export function huFinding(v: Pick<Volume, 'data' | 'scale'>, test: HuTest = CT_HU_TEST): HuFinding {
  const { data, scale: { slope, inter } } = v;
  let air = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const h = data[i] * slope + inter;
    if (h <= test.airHu) air++;
    if (h < min) min = h;
    if (h > max) max = h;
  }
  const airFraction = data.length ? air / data.length : 0;
  return { looksLikeCt: airFraction >= test.minAirFraction, min, max, airFraction, test: { ...test } };
}

/** "its values span 0 to 1870, and only 0.00 % of voxels are at or below −900 HU (…)" — the finding in words. */
export function describeHuFinding(f: HuFinding): string {
  return `its values span ${Math.round(f.min)} to ${Math.round(f.max)}, and only ${(100 * f.airFraction).toFixed(2)} % of voxels are at or below ${f.test.airHu} HU `
    + `(air is −1000 HU in a CT; at least ${100 * f.test.minAirFraction} % is expected)`;
}
