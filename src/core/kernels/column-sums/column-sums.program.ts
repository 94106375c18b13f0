/**
 * WGSL program for one pass of batched column sums (see column-sums.reference.ts): output `[B, G, C]` with
 * G = ⌈M/R⌉; invocation (b, g, c) adds rows g·R … min(M, (g+1)·R) − 1 of column c of matrix b. No shared
 * memory or barriers, and neighbouring invocations read neighbouring addresses.
 */
import { FlatProgram } from '../common/flat-program';

const USER_CODE = /* wgsl */ `
fn main(index : i32) {
  if (index >= uniforms.size) { return; }
  let m = uniforms.dims.x;
  let c = uniforms.dims.y;
  let g = uniforms.dims.z;
  let rows = uniforms.dims.w;
  let col = index % c;
  let t = index / c;
  let grp = t % g;
  let b = t / g;
  let start = grp * rows;
  let end = min(start + rows, m);
  var s = 0.0;
  var off = (b * m + start) * c + col;
  for (var r = start; r < end; r++) {
    s = s + x[off];
    off = off + c;
  }
  setOutputAtIndex(index, s);
}
`;

/** Input `x` float32 `[B, M, C]`; uniforms dims = (M, C, G, R). */
export class ColumnSumsProgram extends FlatProgram {
  readonly variableNames = ['x'];
  readonly uniforms = 'dims : vec4<i32>,';
  readonly shaderKey = 'workbenchColumnSums';

  constructor(b: number, groups: number, c: number) {
    super([b, groups, c]);
  }

  getUserCode(): string {
    return USER_CODE;
  }
}
