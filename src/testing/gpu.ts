/**
 * Test helper: a real WebGPU backend for unit tests.
 * In Node it installs Dawn (SwiftShader on machines without a GPU; `npm run test:unit` sets the
 * library paths). In a browser test it uses the page's WebGPU.
 */
import { installNodeWebGPU } from '../core/platform/node-webgpu';
import type { Device } from '../core/backend/device';
import { initBackend } from '../core/backend/select';
import { runtime } from '../core/env';

let pending: Promise<Device> | undefined;
let ready: Device | undefined;

export function webgpuForTests(): Promise<Device> {
  pending ??= (async () => {
    if (runtime() === 'node' && !installNodeWebGPU()) throw new Error('the npm package "webgpu" (Dawn) could not be loaded');
    const b = await initBackend(['webgpu']);
    if (b.info.name !== 'webgpu' || !b.monitor) {
      throw new Error(`WebGPU tests need a WebGPU adapter; got ${b.info.name}: ${b.info.reason ?? ''}`);
    }
    ready = b;
    return b;
  })();
  return pending;
}

/** The device `webgpuForTests` made (after it resolved), for code that takes a `() => Device`. */
export function testDevice(): Device {
  if (!ready) throw new Error('await webgpuForTests() first');
  return ready;
}
