import { test, expect } from './fixtures/workbench';
import { TRAINING_SCENARIO } from './fixtures/responsiveness';

// A browser without WebGPU (no WebGPU flags, and WebGPU switched off): the workbench computes on the
// `wasm` backend (WebAssembly SIMD on a pool of threads, which needs the page to be cross-origin
// isolated: vite.config.ts sends COOP/COEP) and says why it is not using WebGPU.
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-webgpu', '--disable-background-networking', '--disable-component-update'],
  },
});

test('falls back to WebAssembly with threads, says why, and trains the tiny preset there', async ({ wb, page }) => {
  test.setTimeout(600_000);
  await wb.open();
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  const b = await wb.backend();
  expect(b.name).toBe('wasm');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const threads = Math.min(cores, 8);
  expect(b.adapter).toBe(`WebAssembly SIMD + relaxed SIMD (FMA), ${threads} thread${threads === 1 ? '' : 's'}`);
  expect(b.reason).toMatch(/^WebGPU is not used because .+\.$/);
  await expect(page.getByTestId('backend.reason')).toHaveText(b.reason!);
  await expect(page.getByTestId('backend.badge')).toContainText('WebAssembly');
  // The scan still opens.
  const vols = await wb.volumes();
  expect(vols).toHaveLength(2);

  // Training runs on this backend: the e2e scenario of the WebGPU test, to the end, and the loss falls.
  const ct = vols.find((v) => v.role === 'image')!;
  await page.evaluate(([id, s]) => window.workbench.train({ images: [id], validation: [id], ...s }), [ct.id, TRAINING_SCENARIO] as const);
  await expect
    .poll(async () => (await page.evaluate(() => window.workbench.trainingStatus())).state, { timeout: 540_000, intervals: [1000] })
    .toMatch(/done|error/);
  const st = await page.evaluate(() => window.workbench.trainingStatus());
  expect(st.error).toBeUndefined();
  expect(st.iteration).toBe(TRAINING_SCENARIO.iterations);
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  expect(mean(st.lossHistory.slice(-8))).toBeLessThan(mean(st.lossHistory.slice(0, 8)));
  const map = await page.evaluate(async (id) => {
    const m = await window.workbench.errorMap(id);
    return { it: m.updatedAtIteration, changed: m.data.filter((v) => v !== 255).length, n: m.data.length };
  }, ct.id);
  expect(map.it).toBe(TRAINING_SCENARIO.iterations);
  expect(map.changed).toBeGreaterThan(map.n / 2);
});
