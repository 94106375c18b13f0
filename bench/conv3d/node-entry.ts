/**
 * Node entry of the conv3d benchmark (WebGPU through Dawn). Spawned by bench/run.ts with the
 * settings as argv[2] and the output file as argv[3].
 */
import { writeFileSync } from 'node:fs';
import { installNodeWebGPU } from '../../src/core/platform/node-webgpu';
import { initBackend } from '../../src/core/backend/select';
import { runConv3dBench, type RunOptions } from './run-cases';

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2]) as RunOptions;
  if (!installNodeWebGPU()) throw new Error('the npm package "webgpu" (Dawn) could not be loaded');
  const b = await initBackend(['webgpu']);
  if (b.info.name !== 'webgpu') throw new Error(`no WebGPU adapter: ${b.info.reason ?? ''}`);
  console.log(`adapter: ${b.info.adapter}`);
  const cases = await runConv3dBench(b, { ...opts, log: (l) => console.log(l) });
  writeFileSync(process.argv[3], JSON.stringify({ adapter: b.info.adapter, cases }));
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
