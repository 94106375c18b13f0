/**
 * Column sums of a batch of matrices, `[B, M, C]` → `[B, 1, C]`: the per-channel sums behind batch-norm
 * statistics, their gradients and the losses' per-class voxel sums. The GPU kernel (column-sums.program.ts)
 * sums `COLUMN_SUM_ROWS` rows per invocation and repeats on the partial sums until one row is left; this
 * reference follows the same order of additions.
 */

/** Rows summed by one invocation of one pass (the single source of this constant for the WGSL program). */
export const COLUMN_SUM_ROWS = 64;

/** One pass: `[B, M, C]` → `[B, ⌈M/R⌉, C]` partial sums of R consecutive rows. */
export function columnSumPassReference(x: Float32Array, b: number, m: number, c: number, rows = COLUMN_SUM_ROWS): Float32Array {
  const g = Math.ceil(m / rows);
  const out = new Float32Array(b * g * c);
  for (let bb = 0; bb < b; bb++)
    for (let gg = 0; gg < g; gg++)
      for (let cc = 0; cc < c; cc++) {
        let s = 0;
        for (let r = gg * rows; r < Math.min(m, (gg + 1) * rows); r++) s = Math.fround(s + x[(bb * m + r) * c + cc]);
        out[(bb * g + gg) * c + cc] = s;
      }
  return out;
}

/** All passes: `[B, M, C]` → `[B, 1, C]` (float32 arithmetic in the kernel's order). */
export function columnSumsReference(x: Float32Array, b: number, m: number, c: number, rows = COLUMN_SUM_ROWS): Float32Array {
  let cur = x;
  let len = m;
  do {
    cur = columnSumPassReference(cur, b, len, c, rows);
    len = Math.ceil(len / rows);
  } while (len > 1);
  return cur;
}
