/** Intensity windows for CT: clamp real values (HU) and scale them to a small range for the network. */

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
