/**
 * Bench page (served by Vite, driven by bench/run.ts through Playwright). Settings come as JSON in
 * the `settings` query parameter; the result is left on `window.conv3dBench`.
 */
import { hostDescription } from '../../src/core/env';
import { initBackend } from '../../src/core/backend/select';
import { runConv3dBench, type BenchCase, type RunOptions } from './run-cases';

interface PageState {
  done: boolean;
  error?: string;
  adapter?: string;
  host?: ReturnType<typeof hostDescription>;
  cases?: BenchCase[];
}

const state: PageState = { done: false };
(window as unknown as { conv3dBench: PageState }).conv3dBench = state;
const logEl = document.getElementById('log')!;
const log = (line: string) => {
  console.log(line);
  logEl.textContent += `\n${line}`;
};

async function main(): Promise<void> {
  const opts = JSON.parse(new URLSearchParams(location.search).get('settings') ?? '{}') as RunOptions;
  const b = await initBackend(['webgpu']);
  if (b.info.name !== 'webgpu') throw new Error(`no WebGPU adapter: ${b.info.reason ?? ''}`);
  state.adapter = b.info.adapter;
  state.host = hostDescription();
  log(`adapter: ${b.info.adapter}`);
  state.cases = await runConv3dBench(b, { ...opts, log });
}

main()
  .catch((e: unknown) => {
    state.error = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    log(`error: ${state.error}`);
  })
  .finally(() => {
    state.done = true;
  });
