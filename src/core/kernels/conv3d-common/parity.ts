/**
 * Shared helpers for the conv3d parity tests: seeded data and the comparison against a reference.
 *
 * Tolerance: |gpu − ref| ≤ RTOL · Σ|terms| + ATOL per element, where Σ|terms| is the sum of the
 * absolute products that make up that element (float32 rounding scales with it, not with the result).
 * A wrong index or a missing tap changes an element by about Σ|terms| / K (K terms, K ≤ ~1100 here),
 * far above RTOL, so the check can fail. Observed on SwiftShader: at most 1.8e-7 · Σ|terms|.
 */
import { Rng } from '../../random';
import type { ReferenceResult } from '../conv3d/conv3d.reference';

export const RTOL = 2e-6;
export const ATOL = 1e-6;

export function randomArray(n: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

export interface ParityReport {
  /** Largest |gpu − ref|. */
  maxAbs: number;
  /** Largest |gpu − ref| / Σ|terms|. */
  maxRel: number;
  /** Elements outside the tolerance. */
  failures: number;
  /** Elements of the reference that are not zero (proves there was something to compute). */
  nonzero: number;
  /** First failing element, for the test message. */
  first?: { index: number; gpu: number; ref: number };
}

/** One line for the test log: the errors a parity case reached. */
export function describeParity(what: string, r: ParityReport): string {
  return `[conv3d parity] ${what}: max |Δ| ${r.maxAbs.toExponential(2)}, max |Δ|/Σ|terms| ${r.maxRel.toExponential(2)}, ${r.failures} outside tolerance`;
}

export function compareToReference(gpu: ArrayLike<number>, ref: ReferenceResult): ParityReport {
  if (gpu.length !== ref.values.length) throw new Error(`gpu result has ${gpu.length} elements, reference ${ref.values.length}`);
  const r: ParityReport = { maxAbs: 0, maxRel: 0, failures: 0, nonzero: 0 };
  for (let i = 0; i < gpu.length; i++) {
    const d = Math.abs(gpu[i] - ref.values[i]);
    if (ref.values[i] !== 0) r.nonzero++;
    r.maxAbs = Math.max(r.maxAbs, d);
    if (ref.magnitude[i] > 0) r.maxRel = Math.max(r.maxRel, d / ref.magnitude[i]);
    if (!(d <= RTOL * ref.magnitude[i] + ATOL)) {
      r.failures++;
      r.first ??= { index: i, gpu: gpu[i], ref: ref.values[i] };
    }
  }
  return r;
}
