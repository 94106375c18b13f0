/**
 * Installs Dawn's WebGPU (npm package `webgpu`) into a Node process so that `src/core` runs on a real
 * WebGPU adapter outside the browser: unit tests, benchmarks and the training CLI. A platform adapter of
 * the core (Node only: it is never imported by the worker or the app).
 *
 * On machines without a GPU, run with SwiftShader:
 *   LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
 */
import { createRequire } from 'node:module';

interface DawnModule {
  create: (o: string[]) => GPU;
  globals: Record<string, unknown>;
}

let installed = false;

export function installNodeWebGPU(dawnOptions: string[] = []): boolean {
  if (installed) return true;
  if ((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) return (installed = true);
  const require = createRequire(import.meta.url);
  let mod: DawnModule;
  try {
    // A bundle without node_modules (the GPU kit) imports the package itself and leaves it here.
    mod = (globalThis as { __workbenchDawn?: DawnModule }).__workbenchDawn ?? require('webgpu');
  } catch {
    return false;
  }
  Object.assign(globalThis, mod.globals);
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', {
    value: Object.assign(Object.create(nav), { gpu: mod.create(dawnOptions) }),
    configurable: true,
    writable: true,
  });
  installed = true;
  return true;
}
