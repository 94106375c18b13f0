/**
 * WGSL program for hash-based inverted dropout (see dropout.reference.ts for the definition and the
 * constants it is generated from): y[i] = keep(seed, i) ? x[i] / (1 − rate) : 0.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';
import { DROPOUT_BITS, DROPOUT_HASH } from './dropout.reference';

function userCode(): string {
  return /* wgsl */ `
fn dropoutHash(v : u32) -> u32 {
  let state = v * ${DROPOUT_HASH.multiplier}u + ${DROPOUT_HASH.increment}u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * ${DROPOUT_HASH.wordMultiplier}u;
  return (word >> 22u) ^ word;
}

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
export class DropoutProgram implements WebGPUProgram {
  readonly variableNames = ['x'];
  readonly uniforms = 'params : vec4<i32>, scale : vec4<f32>,';
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly size = true;
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  shaderKey = 'workbenchDropout';

  constructor(shape: number[]) {
    this.outputShape = shape;
    this.dispatchLayout = webgpu_util.flatDispatchLayout(this.outputShape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, this.outputShape, this.workgroupSize);
  }

  getUserCode(): string {
    return userCode();
  }
}
