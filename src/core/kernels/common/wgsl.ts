/**
 * The one source of the WGSL snippets and constants that more than one kernel uses: generated `const`
 * declarations, the guarded vec4 write, float literals and the PCG integer hash (with its plain-TS twin,
 * so that references and GPU programs share one definition).
 */

/** Invocations per workgroup of the flat (one invocation per output element) programs. */
export const FLAT_WORKGROUP_SIZE = 64;

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** `const NAME : i32 = value;` for every entry (values must be whole numbers). */
export function wgslConstants(c: Record<string, number>): string {
  return Object.entries(c).map(([k, v]) => `const ${k} : i32 = ${v};`).join('\n');
}

/** Number format WGSL accepts for a float literal. */
export function f32Literal(v: number): string {
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/**
 * `fn writeVec4(idx, co, v)`: writes the four output channels co … co+3 of `result` at flat index `idx`,
 * skipping channels ≥ CO. `vec4` when `result` is bound as vec4s (CO a multiple of 4).
 */
export function writeVec4Fn(vec4: boolean): string {
  if (vec4) return 'fn writeVec4(idx : i32, co : i32, v : vec4<f32>) { if (co < CO) { result[idx / 4] = v; } }';
  return `fn writeVec4(idx : i32, co : i32, v : vec4<f32>) {
  if (co + 0 < CO) { result[idx + 0] = v.x; }
  if (co + 1 < CO) { result[idx + 1] = v.y; }
  if (co + 2 < CO) { result[idx + 2] = v.z; }
  if (co + 3 < CO) { result[idx + 3] = v.w; }
}`;
}

/** PCG-style integer hash constants (O'Neill's RXS-M-XS output on an LCG step). */
export const PCG = { multiplier: 747796405, increment: 2891336453, wordMultiplier: 277803737 } as const;

/** PCG hash of a uint32 (same arithmetic as `pcgHashFn`). */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, PCG.multiplier) + PCG.increment) >>> 0;
  const word = Math.imul(((state >>> (((state >>> 28) + 4) >>> 0)) ^ state) >>> 0, PCG.wordMultiplier) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** WGSL `fn <name>(v : u32) -> u32`, the same hash as `pcgHash`. */
export function pcgHashFn(name = 'pcgHash'): string {
  return /* wgsl */ `fn ${name}(v : u32) -> u32 {
  let state = v * ${PCG.multiplier}u + ${PCG.increment}u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * ${PCG.wordMultiplier}u;
  return (word >> 22u) ^ word;
}`;
}
