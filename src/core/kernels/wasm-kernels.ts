/**
 * Every kernel the `wasm` backend (src/core/backend/wasm.ts) runs on WebAssembly instead of tfjs's CPU
 * JavaScript: the one list it registers. Each op's config lives beside the op (kernels/wasm-<op>/).
 */
import type * as tf from '@tensorflow/tfjs';
import { WASM_CONV3D_CONFIGS } from './wasm-conv3d/conv3d-wasm.kernel';
import { WASM_BINARY_CONFIGS } from './wasm-binary/binary.kernel';
import { WASM_SLICE_CONFIGS } from './wasm-slice/slice.kernel';
import { WASM_MATMUL_CONFIGS } from './wasm-matmul/matmul.kernel';
import { WASM_PAD_CONFIGS } from './wasm-pad/pad.kernel';
import { WASM_UNARY_CONFIGS } from './wasm-unary/unary.kernel';
import { wasmColumnSumsConfig } from './wasm-column-sums/column-sums.kernel';

export const WASM_KERNEL_CONFIGS: readonly tf.KernelConfig[] = [...WASM_CONV3D_CONFIGS, ...WASM_BINARY_CONFIGS, ...WASM_SLICE_CONFIGS, ...WASM_MATMUL_CONFIGS, ...WASM_PAD_CONFIGS, ...WASM_UNARY_CONFIGS, wasmColumnSumsConfig];
