/**
 * Where the time of a segmentation goes in the browser, past the engine's own compute:
 * `npx tsx bench/segment-path.ts [--no-build] [--port P] [--dims 512,512,275] [--out FILE]`.
 *
 * Builds and serves the app, opens it in headless Chromium (WebGPU on SwiftShader), loads a synthetic CT
 * of `--dims` voxels (0.7 × 0.7 × 1.25 mm; body, organs and bone as HU blobs, so the shipped model finds
 * something), segments it with the shipped model through `window.workbench.segment`, and reads the UI's
 * User Timing measures (src/ui/timing.ts): `segment.engine` (the engine call: compute, writing the
 * result as NIfTI, the transfer from the worker), `segment.show` (into the store and the viewer),
 * `viewer.parse.*` (NiiVue reading the NIfTI) and `viewer.place.*` (NiiVue adding it: colour tables,
 * texture upload), plus the main-thread long animation frames until the viewer has settled.
 * Writes bench/results/segment-path.json.
 */
import { spawn, execSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, totalmem } from 'node:os';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';
import { startRecording, stopRecording, summarize } from '../e2e/fixtures/responsiveness';
import { writeNifti } from '../src/core/data/nifti-write';
import type { Vec3 } from '../src/core/data/volume';
import { waitForServer } from './wait-for-server';

const argOf = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

/** A CT-like volume: air, an elliptic body of soft tissue, a liver-like and a spleen-like blob, a spine. */
function syntheticCt(dims: Vec3): Uint8Array {
  const [nx, ny, nz] = dims;
  const sp: Vec3 = [0.7, 0.7, 1.25];
  const data = new Int16Array(nx * ny * nz);
  const cx = nx / 2;
  const cy = ny / 2;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const ex = (x - cx) / (nx * 0.42);
        const ey = (y - cy) / (ny * 0.32);
        let hu = -1000;
        if (ex * ex + ey * ey < 1) {
          hu = 40 + ((x * 7 + y * 13 + z * 3) % 21) - 10;
          const lx = (x - nx * 0.35) / (nx * 0.14);
          const ly = (y - ny * 0.45) / (ny * 0.12);
          const lz = (z - nz * 0.55) / (nz * 0.25);
          if (lx * lx + ly * ly + lz * lz < 1) hu = 60;
          const sx = (x - nx * 0.68) / (nx * 0.06);
          const sy = (y - ny * 0.55) / (ny * 0.06);
          const sz = (z - nz * 0.6) / (nz * 0.12);
          if (sx * sx + sy * sy + sz * sz < 1) hu = 50;
          const bx = (x - cx) / (nx * 0.04);
          const by = (y - ny * 0.72) / (ny * 0.04);
          if (bx * bx + by * by < 1) hu = 700;
        }
        data[(z * ny + y) * nx + x] = hu;
      }
  const affine = new Float64Array([-sp[0], 0, 0, (nx * sp[0]) / 2, 0, -sp[1], 0, (ny * sp[1]) / 2, 0, 0, sp[2], 0, 0, 0, 0, 1]);
  return writeNifti({ name: 'synthetic-ct.nii', dims, spacing: sp, affine, data, scale: { slope: 1, inter: 0 } }, { gzip: false });
}

async function main(): Promise<void> {
  const port = Number(argOf('--port') ?? 4311);
  const dims = (argOf('--dims') ?? '512,512,275').split(',').map(Number) as Vec3;
  const out = argOf('--out') ?? 'bench/results/segment-path.json';
  const nifti = syntheticCt(dims);
  if (!process.argv.includes('--no-build')) execSync('npx vite build --logLevel error', { stdio: 'inherit' });
  // Served by `vite preview` from dist/ (same origin; a Playwright route cannot carry a body this large).
  mkdirSync('dist/__bench', { recursive: true });
  writeFileSync('dist/__bench/synthetic-ct.nii', nifti);
  const server: ChildProcess = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
  const url = `http://127.0.0.1:${port}/`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  let row: Record<string, unknown>;
  try {
    await waitForServer(url);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    page.on('crash', () => console.error('the page crashed'));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.error(`page ${m.type()}: ${m.text()}`); });
    await page.goto(`${url}?demo=0`);
    await page.waitForFunction(() => window.workbench !== undefined);
    await page.evaluate(() => window.workbench.ready);
    const tLoad = Date.now();
    const info = await page.evaluate(() => window.workbench.loadVolume('/__bench/synthetic-ct.nii', { role: 'image' }));
    const loadMs = Date.now() - tLoad;
    await page.waitForTimeout(2000);
    await page.evaluate(() => performance.clearMeasures());
    const loadBefore = loadavg()[0];
    await startRecording(page);
    const cdp = process.argv.includes('--profile') ? await page.context().newCDPSession(page) : undefined;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
      await cdp.send('Profiler.start');
    }
    const t0 = Date.now();
    const result = await page.evaluate((id) => window.workbench.segment(id), info.id);
    const callMs = Date.now() - t0;
    await page.waitForTimeout(3000); // the viewer draws the new layer
    const rec = await stopRecording(page);
    let profileTop: { fn: string; selfMs: number }[] | undefined;
    if (cdp) {
      // Main-thread self time by function (the sampled stacks of the page's main thread only).
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] } };
      const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
      const self = new Map<string, number>();
      profile.samples.forEach((id, i) => {
        const n = byNode.get(id)!;
        const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
        self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
      });
      profileTop = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([fn, ms]) => ({ fn, selfMs: Math.round(ms) }));
    }
    const measures = await page.evaluate(() => performance.getEntriesByType('measure').map((m) => ({ name: m.name, ms: Math.round(m.duration) })));
    row = { dims, loadMs, callMs, engineComputeMs: Math.round(result.ms), measures, ...summarize(rec), longestTasks: [...rec.tasks].sort((a, b) => b[1] - a[1]).slice(0, 8), loadAverage1m: { before: loadBefore, after: loadavg()[0] }, ...(profileTop ? { profileTop } : {}) };
    console.log(JSON.stringify(row, null, 2));
    await page.close();
  } finally {
    await browser.close();
    if (server.pid) process.kill(-server.pid);
    rmSync('dist/__bench', { recursive: true, force: true });
  }
  const pkg = (n: string) => (JSON.parse(readFileSync(`node_modules/${n}/package.json`, 'utf8')) as { version: string }).version;
  writeFileSync(
    out,
    JSON.stringify(
      {
        benchmark: 'segment-path',
        what: 'a whole-scan segmentation in the browser, split into engine compute, result transfer, viewer parse and place, and the frames after',
        date: new Date().toISOString(),
        machine: { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), platform: platform() },
        adapter: 'SwiftShader (headless Chromium, --use-webgpu-adapter=swiftshader)',
        versions: { chromium: browser.version(), node: process.version, '@niivue/niivue': pkg('@niivue/niivue') },
        row,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`wrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
