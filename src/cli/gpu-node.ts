/**
 * WebGPU for the CLI scripts (Node): Dawn through `installNodeWebGPU`, then the workbench backend (fast
 * conv3d kernels registered by `initBackend`). Run with the SwiftShader paths set on machines without a GPU.
 */
import type { Device } from '../core/backend/device';
import { initBackend } from '../core/backend/select';
import { installNodeWebGPU } from '../core/platform/node-webgpu';

let ready: Device | undefined;

export async function nodeWebGPU(): Promise<Device> {
  if (!installNodeWebGPU()) throw new Error('the npm package "webgpu" (Dawn) could not be loaded');
  const b = await initBackend(['webgpu']);
  if (b.info.name !== 'webgpu') {
    throw new Error(
      `WebGPU is not available (${b.info.reason ?? b.info.name}); on a machine without a GPU set ` +
        'LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json',
    );
  }
  ready = b;
  return b;
}

/** The device `nodeWebGPU` chose (after it resolved), for code that takes a `() => Device`. */
export function nodeDevice(): Device {
  if (!ready) throw new Error('await nodeWebGPU() first');
  return ready;
}
