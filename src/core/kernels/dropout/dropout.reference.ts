/**
 * Hash-based inverted dropout, the single source of the constants and arithmetic that the WGSL program
 * (dropout.program.ts) generates its code from. Element i of a call with `seed` is kept when
 * (hash(seed ^ hash(i)) >>> 8) ≥ threshold, threshold = round(rate · 2^24), and then scaled by 1/(1 − rate).
 * The mask depends only on (seed, i), so CPU and GPU give identical results and the gradient (the same mask
 * applied to dy) needs no stored mask.
 */

import { pcgHash } from '../common/wgsl';

/** The hash (PCG, shared with the patch sampler's noise: common/wgsl.ts). */
export const dropoutHash = pcgHash;

/** The bits of the hash compared with the threshold (exact in float32 and int32). */
export const DROPOUT_BITS = 24;

export function dropoutThreshold(rate: number): number {
  return Math.round(rate * 2 ** DROPOUT_BITS);
}

/** True when element `index` survives the call with `seed`. */
export function dropoutKeeps(seed: number, index: number, threshold: number): boolean {
  return dropoutHash((seed ^ dropoutHash(index)) >>> 0) >>> (32 - DROPOUT_BITS) >= threshold;
}

/** The mask of `size` elements: 0 or 1/(1 − rate). */
export function dropoutMaskReference(size: number, rate: number, seed: number): Float32Array {
  const t = dropoutThreshold(rate);
  const keep = 1 / (1 - rate);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = dropoutKeeps(seed, i, t) ? keep : 0;
  return out;
}
