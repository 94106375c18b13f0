/**
 * The compute backend of the Node entry points (CLI, benchmarks): a hardware GPU through WebGPU (Dawn)
 * when the machine has one, else the `wasm` backend (WebAssembly SIMD on all cores). A software WebGPU
 * adapter (SwiftShader) is passed over: on the same CPU it is tens of times slower than `wasm`.
 *
 * `WORKBENCH_BACKEND=webgpu|wasm|cpu` forces one (webgpu then needs Dawn's SwiftShader paths on a machine
 * without a GPU: LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json).
 */
import type { Device } from '../core/backend/device';
import { DEFAULT_BACKEND_ORDER, initBackend, type BackendName } from '../core/backend/select';
import { installNodeWebGPU } from '../core/platform/node-webgpu';

const FORCEABLE: readonly BackendName[] = ['webgpu', 'wasm', 'cpu'];

export async function nodeBackend(env: Record<string, string | undefined> = process.env): Promise<Device> {
  const forced = env.WORKBENCH_BACKEND;
  if (forced !== undefined && !FORCEABLE.includes(forced as BackendName)) {
    throw new Error(`WORKBENCH_BACKEND must be one of ${FORCEABLE.join(', ')}; it is "${forced}"`);
  }
  const order = forced ? [forced as BackendName] : DEFAULT_BACKEND_ORDER.filter((n) => n !== 'webgl');
  if (order.includes('webgpu')) installNodeWebGPU();
  const b = await initBackend(order, { skipSoftwareWebGPU: !forced });
  if (forced && b.info.name !== forced) throw new Error(`WORKBENCH_BACKEND=${forced} was asked for, but ${b.info.reason ?? 'it did not start'}`);
  ready = b;
  return b;
}

let ready: Device | undefined;

/** The device `nodeBackend` chose (after it resolved), for code that takes a `() => Device`. */
export function nodeDevice(): Device {
  if (!ready) throw new Error('await nodeBackend() first');
  return ready;
}

/** One line for logs: "wasm (WebAssembly SIMD + relaxed SIMD (FMA), 2 threads)". */
export function describeBackend(b: Device): string {
  return `${b.info.name} (${b.info.adapter})${b.info.reason ? `: ${b.info.reason}` : ''}`;
}
