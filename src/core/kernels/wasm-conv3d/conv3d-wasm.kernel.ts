/**
 * Registration of the WebAssembly SIMD conv3d kernels for the `wasm` backend (src/core/backend/wasm.ts):
 * Conv3D, Conv3DBackpropInputV2 and Conv3DBackpropFilterV2, NDHWC float32, every geometry tfjs accepts.
 * Each kernel reads its inputs from the backend's (CPU) tensor storage, runs on the backend's
 * WebAssembly runtime (all threads), and stores a new float32 tensor.
 */
import * as tf from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { conv3dGeometry, type Conv3DPad, type Vec3 } from '../conv3d-common/geometry';
import { conv3dBackpropFilterWasm, conv3dBackpropInputWasm, conv3dWasm } from './conv3d-wasm';
import type { WasmRuntime } from './runtime';

/** What a `wasm` kernel needs of its backend: the CPU backend's tensor storage plus the runtime. */
export interface WasmKernelBackend extends MathBackendCPU {
  readonly runtime: WasmRuntime;
}

export const WASM_BACKEND_NAME = 'wasm';

/** The float32 values of a tensor held by the backend (converted if stored as another dtype). */
export function valuesOf(backend: WasmKernelBackend, t: tf.TensorInfo): Float32Array {
  const v = backend.data.get(t.dataId).values as ArrayLike<number>;
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

interface ConvAttrs {
  strides: number | Vec3;
  pad: Conv3DPad;
  dilations?: number | Vec3;
  filterShape?: number[];
  inputShape?: number[];
}

const attrsOf = (a: tf.NamedAttrMap | undefined): ConvAttrs => a as unknown as ConvAttrs;

export const wasmConv3DConfig: tf.KernelConfig = {
  kernelName: tf.Conv3D,
  backendName: WASM_BACKEND_NAME,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const b = backend as WasmKernelBackend;
    const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrsOf(attrs);
    const g = conv3dGeometry(x.shape, filter.shape, a.strides, a.dilations ?? 1, a.pad);
    const y = conv3dWasm(b.runtime, valuesOf(b, x), valuesOf(b, filter), g);
    return b.makeTensorInfo([g.batch, ...g.outDims, g.outChannels], 'float32', y);
  },
};

export const wasmConv3DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv3DBackpropInputV2,
  backendName: WASM_BACKEND_NAME,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const b = backend as WasmKernelBackend;
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrsOf(attrs);
    const inputShape = a.inputShape!;
    const g = conv3dGeometry(inputShape, filter.shape, a.strides, 1, a.pad);
    const dx = conv3dBackpropInputWasm(b.runtime, valuesOf(b, dy), valuesOf(b, filter), g);
    return b.makeTensorInfo(inputShape, 'float32', dx);
  },
};

export const wasmConv3DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv3DBackpropFilterV2,
  backendName: WASM_BACKEND_NAME,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const b = backend as WasmKernelBackend;
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrsOf(attrs);
    const filterShape = a.filterShape!;
    const g = conv3dGeometry(x.shape, filterShape, a.strides, 1, a.pad);
    const dw = conv3dBackpropFilterWasm(b.runtime, valuesOf(b, x), valuesOf(b, dy), g);
    return b.makeTensorInfo(filterShape, 'float32', dw);
  },
};

/** The conv3d kernels of the `wasm` backend. */
export const WASM_CONV3D_CONFIGS: readonly tf.KernelConfig[] = [wasmConv3DConfig, wasmConv3DBackpropInputConfig, wasmConv3DBackpropFilterConfig];
