#!/usr/bin/env node
/* global process, URL */
/**
 * `ctseg`: the batch command line of the workbench (src/cli/ctseg.ts), run through tsx so that a fresh clone
 * needs only `npm ci`. Sets up Vulkan for Dawn's WebGPU before Node starts (the loader reads these variables
 * once, at start): an NVIDIA driver's manifest when one is installed, else Chromium's SwiftShader when present
 * (with `--backend` left to choose, a software adapter is passed over for the `wasm` backend). Variables
 * already set are left alone.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const env = { ...process.env };
const addLibraryPath = (dir) => {
  if (!existsSync(dir)) return;
  const parts = (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  if (!parts.includes(dir)) env.LD_LIBRARY_PATH = [...parts, dir].join(':');
};
if (process.platform === 'linux' && !env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES) {
  const nvidia = ['/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json', '/usr/share/vulkan/icd.d/nvidia_icd.json', '/etc/vulkan/icd.d/nvidia_icd.json'].find((f) => existsSync(f));
  if (nvidia) {
    env.VK_DRIVER_FILES = nvidia;
    addLibraryPath('/usr/local/nvidia/lib64');
  } else if (existsSync('/usr/lib/chromium/vk_swiftshader_icd.json')) {
    env.VK_ICD_FILENAMES = '/usr/lib/chromium/vk_swiftshader_icd.json';
  }
}
if (process.platform === 'linux') addLibraryPath('/usr/lib/chromium');

const main = fileURLToPath(new URL('../src/cli/ctseg.ts', import.meta.url));
const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), main, ...process.argv.slice(2)], { stdio: 'inherit', env });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  else process.exit(code ?? 1);
});
