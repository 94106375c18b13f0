/**
 * The `wasm` backend: tfjs's CPU backend (tensor storage and every kernel it has) with the heavy kernels
 * replaced by our WebAssembly SIMD ones, run on a pool of threads sharing one memory
 * (src/core/kernels/wasm-conv3d). The rest of the engine uses it as it uses any tfjs backend.
 *
 * Threads need shared memory: always in Node; in a browser only when the page is cross-origin isolated
 * (COOP `same-origin` + COEP `require-corp`, see vite.config.ts). Otherwise it runs on one thread and
 * its adapter string says why.
 */
import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { WASM_BACKEND_NAME } from '../kernels/wasm-common/kernel';
import { WASM_KERNEL_CONFIGS } from '../kernels/wasm-kernels';
import { hasWasmSimd, WasmRuntime, type WasmRuntimeInfo, type WasmRuntimeOptions } from '../kernels/wasm-conv3d/runtime';

export { WASM_BACKEND_NAME };

export class WasmBackend extends MathBackendCPU {
  constructor(readonly runtime: WasmRuntime) {
    super();
    // tfjs-cpu prints "install tfjs-node" on first use in Node; this backend is the fast path.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  override dispose(): void {
    super.dispose();
    this.runtime.dispose();
  }
}

/** The adapter in words, e.g. "WebAssembly SIMD + relaxed SIMD (FMA), 2 threads". */
export function wasmAdapterWords(info: WasmRuntimeInfo): string {
  const simd = info.relaxedSimd ? 'WebAssembly SIMD + relaxed SIMD (FMA)' : 'WebAssembly SIMD';
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  return info.threadLimit ? `${simd}, ${threads} (${info.threadLimit})` : `${simd}, ${threads}`;
}

/** Gives the `wasm` backend every kernel of tfjs's CPU backend, then ours over them. */
function registerKernels(): void {
  const ours = new Set(WASM_KERNEL_CONFIGS.map((c) => c.kernelName));
  for (const k of tf.getKernelsForBackend('cpu')) {
    if (ours.has(k.kernelName) || tf.getKernel(k.kernelName, WASM_BACKEND_NAME)) continue;
    tf.registerKernel({ ...k, backendName: WASM_BACKEND_NAME });
  }
  for (const c of WASM_KERNEL_CONFIGS) {
    if (tf.getKernel(c.kernelName, WASM_BACKEND_NAME)?.kernelFunc === c.kernelFunc) continue;
    if (tf.getKernel(c.kernelName, WASM_BACKEND_NAME)) tf.unregisterKernel(c.kernelName, WASM_BACKEND_NAME);
    tf.registerKernel(c);
  }
}

/**
 * Registers (once per process; `opts` apply to the first call) and activates the `wasm` backend. Returns its runtime info, or a sentence saying why it
 * cannot run here (no WebAssembly SIMD).
 */
export async function startWasmBackend(opts: WasmRuntimeOptions = {}): Promise<WasmRuntimeInfo | string> {
  if (!hasWasmSimd()) return 'this browser does not support WebAssembly SIMD';
  registerKernels();
  if (!tf.findBackendFactory(WASM_BACKEND_NAME)) {
    let runtime: WasmRuntime;
    try {
      runtime = await WasmRuntime.create(opts);
    } catch (e) {
      return `the WebAssembly runtime could not start (${(e as Error).message})`;
    }
    // Priority 1: above tfjs's cpu (1 too, registered first) only when chosen explicitly by name.
    tf.registerBackend(WASM_BACKEND_NAME, () => new WasmBackend(runtime), 1);
  }
  const ok = await tf.setBackend(WASM_BACKEND_NAME);
  if (!ok) return 'tfjs could not start the wasm backend';
  await tf.ready();
  return (tf.backend() as WasmBackend).runtime.info;
}
