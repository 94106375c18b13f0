/**
 * UI responsiveness while training in the browser: `npx tsx bench/ui-responsiveness.ts [--runs N] [--port P]`.
 *
 * Builds the app (`vite build`; `--no-build` skips it), serves it with `vite preview`, and in headless
 * Debian Chromium (WebGPU on SwiftShader) runs the e2e training scenario (e2e/fixtures/responsiveness.ts)
 * `--runs` times (default 3; `--out FILE` to write elsewhere), each in a fresh page. From just before `train()` until the run is done and
 * the viewer has settled, it records every long animation frame and the lateness of a 20 ms timer (see
 * e2e/fixtures/responsiveness.ts), and writes bench/results/ui-responsiveness.json with, per run, the max
 * and 95th percentile of both and the machine's load average, next to the bound the e2e test asserts.
 */
import { spawn, execSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, totalmem } from 'node:os';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';
import { RESPONSIVENESS_BOUND, TRAINING_SCENARIO, startRecording, stopRecording, summarize } from '../e2e/fixtures/responsiveness';
import { waitForServer } from './wait-for-server';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const runs = arg('--runs', 3);
  const port = arg('--port', 4310);
  if (!process.argv.includes('--no-build')) execSync('npx vite build --logLevel error', { stdio: 'inherit' });
  const server: ChildProcess = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
  const url = `http://127.0.0.1:${port}/`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const rows = [];
  try {
    await waitForServer(url);
    for (let r = 0; r < runs; r++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      // tsx (esbuild with keepNames) wraps functions in __name(); the functions sent to the page need it too.
      await page.addInitScript({ content: 'window.__name = (f) => f;' });
      await page.goto(url);
      await page.waitForFunction(() => window.workbench !== undefined);
      await page.evaluate(() => window.workbench.ready);
      const [ct] = await page.evaluate(() => window.workbench.volumes());
      const loadBefore = loadavg()[0];
      const t0 = Date.now();
      await startRecording(page);
      await page.evaluate(([id, s]) => window.workbench.train({ images: [id], validation: [id], ...s }), [ct.id, TRAINING_SCENARIO] as const);
      await page.waitForFunction(() => /done|error/.test(window.workbench.trainingStatus().state), undefined, { polling: 500, timeout: 0 });
      const state = await page.evaluate(() => window.workbench.trainingStatus());
      const trainMs = Date.now() - t0;
      await page.waitForTimeout(1500); // the viewer comes back from its light view
      const rec = await stopRecording(page);
      const row = { run: r + 1, state: state.state, trainMs, ...summarize(rec), loadAverage1m: { before: loadBefore, after: loadavg()[0] }, tasks: rec.tasks, lateTicks: rec.lateTicks };
      console.log(JSON.stringify({ ...row, tasks: undefined, lateTicks: undefined }));
      rows.push(row);
      await page.close();
    }
  } finally {
    await browser.close();
    if (server.pid) process.kill(-server.pid);
  }
  const pkg = (n: string) => (JSON.parse(readFileSync(`node_modules/${n}/package.json`, 'utf8')) as { version: string }).version;
  const result = {
    benchmark: 'ui-responsiveness',
    what: 'main-thread long animation frames and 20 ms timer lateness from train() until the run is done and the viewer settled (e2e training scenario)',
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), platform: platform() },
    adapter: 'SwiftShader (headless Chromium, --use-webgpu-adapter=swiftshader)',
    versions: { chromium: browser.version(), node: process.version, '@niivue/niivue': pkg('@niivue/niivue'), '@tensorflow/tfjs': pkg('@tensorflow/tfjs') },
    scenario: TRAINING_SCENARIO,
    bound: RESPONSIVENESS_BOUND,
    runs: rows,
    worst: {
      runningMaxTaskMs: Math.max(...rows.map((r) => r.running.maxTaskMs)),
      runningP95LagMs: Math.max(...rows.map((r) => r.running.p95LagMs)),
      transitionMaxTaskMs: Math.max(...rows.map((r) => r.transition.maxTaskMs)),
    },
  };
  const out = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : 'bench/results/ui-responsiveness.json';
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result.worst));
}

await main();
