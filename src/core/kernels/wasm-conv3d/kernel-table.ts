/**
 * The kernels of the WebAssembly module (assembly/index.ts), by export name. The runtime and every pool
 * thread dispatch by index into this one list, so a kernel is added in exactly two places: its export in
 * assembly/, and its name here.
 */
export const WASM_KERNELS = ['convForward', 'convBackpropFilter'] as const;

export type WasmKernelName = (typeof WASM_KERNELS)[number];

/** Index of a kernel in the dispatch table. */
export function kernelIndex(name: WasmKernelName): number {
  return WASM_KERNELS.indexOf(name);
}
