/**
 * WGSL program for hash-based inverted dropout (see dropout.reference.ts for the definition and the
 * constants it is generated from): y[i] = keep(seed, i) ? x[i] / (1 − rate) : 0.
 */
import { FlatProgram } from '../common/flat-program';
import { pcgHashFn } from '../common/wgsl';
import { DROPOUT_BITS } from './dropout.reference';

function userCode(): string {
  return /* wgsl */ `
${pcgHashFn('dropoutHash')}

fn main(index : i32) {
  if (index >= uniforms.size) { return; }
  let h = dropoutHash(bitcast<u32>(uniforms.params.x) ^ dropoutHash(u32(index)));
  var r = 0.0;
  if (i32(h >> ${32 - DROPOUT_BITS}u) >= uniforms.params.y) { r = x[index] * uniforms.scale.x; }
  setOutputAtIndex(index, r);
}
`;
}

/** Input `x` float32 (any shape, read flat). Uniforms: params = (seed as i32, threshold, 0, 0), scale = (1/(1 − rate), 0, 0, 0). */
export class DropoutProgram extends FlatProgram {
  readonly variableNames = ['x'];
  readonly uniforms = 'params : vec4<i32>, scale : vec4<f32>,';
  readonly shaderKey = 'workbenchDropout';

  getUserCode(): string {
    return userCode();
  }
}
