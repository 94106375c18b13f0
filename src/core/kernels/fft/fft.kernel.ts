/**
 * The WebGPU 3-D FFT: registration of the Stockham pass (fft.program.ts) as a tfjs kernel and
 * `fft3dGpu`, which runs log2(n) passes per axis. Sizes: powers of two per axis only (`nextPow2` pads);
 * the CPU reference (fft.reference.ts) takes any 5-smooth size.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { WorkbenchError } from '../../errors';
import { FftPassProgram } from './fft.program';

export const FFT_PASS_KERNEL = 'WorkbenchFftPass';

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

interface PassAttrs { n: number; inner: number; p: number; sign: number }

function fftPassWebGPU(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as WebGPUBackend;
  const a = args.attrs as unknown as PassAttrs;
  const x = args.inputs.x as tf.TensorInfo;
  const tw = args.inputs.tw as tf.TensorInfo;
  const count = x.shape[0] / 2;
  const program = new FftPassProgram(count);
  const uniforms = [
    { type: 'int32', data: [a.n, a.inner, a.p, count / 2] },
    { type: 'float32', data: [a.sign] },
  ];
  return backend.runWebGPUProgram(program, [x, tw], 'float32', uniforms);
}

let registered = false;

export function registerFftKernel(): void {
  if (registered || tf.getKernel(FFT_PASS_KERNEL, 'webgpu')) { registered = true; return; }
  tf.registerKernel({ kernelName: FFT_PASS_KERNEL, backendName: 'webgpu', kernelFunc: fftPassWebGPU as tf.KernelFunc });
  registered = true;
}

/**
 * 3-D FFT on WebGPU of an interleaved complex float32 tensor [2·nx·ny·nz] (x fastest); every dimension a
 * power of two. Inverse transforms are scaled by 1/N. Returns a new tensor; the input is kept.
 */
export function fft3dGpu(x: tf.Tensor1D, dims: [number, number, number], inverse = false): tf.Tensor1D {
  if (tf.getBackend() !== 'webgpu') throw new WorkbenchError('webgpu-unavailable', `The GPU FFT needs the WebGPU backend; the active backend is ${tf.getBackend()}.`);
  for (const d of dims) if (d !== nextPow2(d)) throw new WorkbenchError('bad-argument', `The GPU FFT takes powers of two per axis (pad with nextPow2); got ${dims.join('×')}.`);
  const N = dims[0] * dims[1] * dims[2];
  if (x.shape[0] !== 2 * N) throw new WorkbenchError('bad-argument', `An interleaved complex ${dims.join('×')} volume has ${2 * N} floats; got ${x.shape[0]}.`);
  registerFftKernel();
  let cur: tf.Tensor1D = x;
  let inner = 1;
  for (const n of dims) {
    const table = new Float32Array(2 * n);
    for (let t = 0; t < n; t++) { table[2 * t] = Math.cos((2 * Math.PI * t) / n); table[2 * t + 1] = Math.sin((2 * Math.PI * t) / n); }
    const tw = tf.tensor1d(table);
    for (let p = 1; p < n; p *= 2) {
      const attrs = { n, inner, p, sign: inverse ? 1 : -1 } as unknown as tf.NamedAttrMap;
      const next = tf.engine().runKernel(FFT_PASS_KERNEL, { x: cur, tw } as unknown as tf.NamedTensorMap, attrs) as tf.Tensor1D;
      if (cur !== x) cur.dispose();
      cur = next;
    }
    tw.dispose();
    inner *= n;
  }
  if (cur === x) cur = x.clone();
  if (!inverse) return cur;
  const scaled = tf.mul(cur, tf.scalar(1 / N)) as tf.Tensor1D;
  cur.dispose();
  return scaled;
}
