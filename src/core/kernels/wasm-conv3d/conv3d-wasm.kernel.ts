/**
 * Registration of the WebAssembly SIMD conv3d kernels for the `wasm` backend (src/core/backend/wasm.ts):
 * Conv3D, Conv3DBackpropInputV2 and Conv3DBackpropFilterV2, NDHWC float32, every geometry tfjs accepts.
 * Each kernel reads its inputs from the backend's (CPU) tensor storage, runs on the backend's
 * WebAssembly runtime (all threads), and stores a new float32 tensor. The backend type and helpers are in
 * ../wasm-common/kernel.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { conv3dGeometry, type Conv3DPad, type Vec3 } from '../conv3d-common/geometry';
import { valuesOf, wasmKernel } from '../wasm-common/kernel';
import { conv3dBackpropFilterWasm, conv3dBackpropInputWasm, conv3dWasm } from './conv3d-wasm';

interface ConvAttrs {
  strides: number | Vec3;
  pad: Conv3DPad;
  dilations?: number | Vec3;
  filterShape?: number[];
  inputShape?: number[];
}

// Inputs of every dtype run here, their values read as float32.
const ALL = { allDtypes: true };

export const wasmConv3DConfig = wasmKernel<{ x: tf.TensorInfo; filter: tf.TensorInfo }, ConvAttrs>(
  tf.Conv3D,
  ({ b, inputs: { x, filter }, attrs: a }) => {
    const g = conv3dGeometry(x.shape, filter.shape, a.strides, a.dilations ?? 1, a.pad);
    return b.makeTensorInfo([g.batch, ...g.outDims, g.outChannels], 'float32', conv3dWasm(b.runtime, valuesOf(b, x), valuesOf(b, filter), g));
  },
  ALL,
);

export const wasmConv3DBackpropInputConfig = wasmKernel<{ dy: tf.TensorInfo; filter: tf.TensorInfo }, ConvAttrs>(
  tf.Conv3DBackpropInputV2,
  ({ b, inputs: { dy, filter }, attrs: a }) => {
    const g = conv3dGeometry(a.inputShape!, filter.shape, a.strides, 1, a.pad);
    return b.makeTensorInfo(a.inputShape!, 'float32', conv3dBackpropInputWasm(b.runtime, valuesOf(b, dy), valuesOf(b, filter), g));
  },
  ALL,
);

export const wasmConv3DBackpropFilterConfig = wasmKernel<{ x: tf.TensorInfo; dy: tf.TensorInfo }, ConvAttrs>(
  tf.Conv3DBackpropFilterV2,
  ({ b, inputs: { x, dy }, attrs: a }) => {
    const g = conv3dGeometry(x.shape, a.filterShape!, a.strides, 1, a.pad);
    return b.makeTensorInfo(a.filterShape!, 'float32', conv3dBackpropFilterWasm(b.runtime, valuesOf(b, x), valuesOf(b, dy), g));
  },
  ALL,
);

/** The conv3d kernels of the `wasm` backend. */
export const WASM_CONV3D_CONFIGS: readonly tf.KernelConfig[] = [wasmConv3DConfig, wasmConv3DBackpropInputConfig, wasmConv3DBackpropFilterConfig];
