/**
 * WGSL program for one radix-2 Stockham pass of a complex FFT along one axis of a 3-D volume
 * (E. Bainville's formulation: natural order in and out after log2(n) passes, no bit reversal).
 *
 * Layout: complex float32 interleaved, element e at [2e, 2e + 1], e = x + nx·(y + ny·z); the axis has
 * length n (a power of two: the kernel supports 2^k only, so callers pad each axis to the next power of
 * two) and stride `inner` (1, nx or nx·ny). One invocation per butterfly: lines × n/2.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';

const MAIN = /* wgsl */ `
fn main(index : i32) {
  let n = uniforms.step.x;
  let inner = uniforms.step.y;
  let p = uniforms.step.z;
  let butterflies = uniforms.step.w;
  if (index >= butterflies) { return; }
  let half = n / 2;
  let line = index / half;
  let j = index - line * half;
  let base = (line % inner) + (line / inner) * inner * n;
  let k = j & (p - 1);
  let a = base + j * inner;
  let b = base + (j + half) * inner;
  let x0 = vec2<f32>(x[2 * a], x[2 * a + 1]);
  let y = vec2<f32>(x[2 * b], x[2 * b + 1]);
  // Twiddles from a table computed in float64 on the CPU (WGSL cos/sin on SwiftShader are ~1e-5 off):
  // tw[2t], tw[2t + 1] = cos, sin(2π t / n); exp(±iπ k / p) = entry k · n / (2p), sin negated forward.
  let t = k * (n / (2 * p));
  let w = vec2<f32>(tw[2 * t], uniforms.sign * tw[2 * t + 1]);
  let x1 = vec2<f32>(y.x * w.x - y.y * w.y, y.x * w.y + y.y * w.x);
  let i0 = base + (((j - k) << 1u) + k) * inner;
  let i1 = i0 + p * inner;
  setOutputAtIndex(2 * i0, x0.x + x1.x);
  setOutputAtIndex(2 * i0 + 1, x0.y + x1.y);
  setOutputAtIndex(2 * i1, x0.x - x1.x);
  setOutputAtIndex(2 * i1 + 1, x0.y - x1.y);
}
`;

/**
 * Inputs `x`: float32 [2·N] (interleaved complex); `tw`: float32 [2·n], cos/sin(2π t / n). Output: like `x`.
 * Uniforms: step = (n, inner, p, butterflies), sign = −1 forward, +1 inverse (unscaled).
 */
export class FftPassProgram implements WebGPUProgram {
  readonly variableNames = ['x', 'tw'];
  readonly uniforms = 'step : vec4<i32>, sign : f32,';
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly size = true;
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  shaderKey = 'workbenchFftPass';

  constructor(complexCount: number) {
    this.outputShape = [2 * complexCount];
    const butterflies = [complexCount / 2];
    this.dispatchLayout = webgpu_util.flatDispatchLayout(butterflies);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, butterflies, this.workgroupSize);
  }

  getUserCode(): string {
    return MAIN;
  }
}
