/**
 * Test helper: a real WebGPU backend for unit tests.
 * In Node it installs Dawn (SwiftShader on machines without a GPU; `npm run test:unit` sets the
 * library paths). In a browser test it uses the page's WebGPU.
 */
import { installNodeWebGPU } from '../core/platform/node-webgpu';
import { initBackend, type ActiveBackend } from '../core/backend/select';
import { runtime } from '../core/env';

let pending: Promise<ActiveBackend> | undefined;

export function webgpuForTests(): Promise<ActiveBackend> {
  pending ??= (async () => {
    if (runtime() === 'node' && !installNodeWebGPU()) throw new Error('the npm package "webgpu" (Dawn) could not be loaded');
    const b = await initBackend(['webgpu']);
    if (b.info.name !== 'webgpu' || !b.monitor) {
      throw new Error(`WebGPU tests need a WebGPU adapter; got ${b.info.name}: ${b.info.reason ?? ''}`);
    }
    return b;
  })();
  return pending;
}
