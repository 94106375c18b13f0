/**
 * The README's pictures: the app on the demo scan, and the error map evolving while isample trains.
 *   npm run build && npx vite preview --port 4173 &   then   npx tsx scripts/readme-shots.ts
 */
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';

const url = process.argv[2] ?? 'http://127.0.0.1:4173/';
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
await page.goto(url);
await page.waitForFunction(() => window.workbench !== undefined);
await page.evaluate(() => window.workbench.ready);
await page.waitForTimeout(1500);
await page.screenshot({ path: 'docs/screenshot.png' });

const [ct] = await page.evaluate(() => window.workbench.volumes());
await page.evaluate(
  (id) => window.workbench.train({ images: [id], validation: [id], preset: 'tiny', iterations: 200, batchSize: 4, spacing: [6, 6, 6], errorMapEvery: 25, validateEvery: 50, seed: 1 }),
  ct.id,
);
const viewer = page.getByTestId('viewer');
for (const it of [0, 25, 100, 200]) {
  await page.waitForFunction((n) => {
    const s = window.workbench.trainingStatus();
    return s.iteration >= n || s.state === 'done';
  }, it, { timeout: 3_600_000 });
  await page.waitForFunction(async ([id, n]) => (await window.workbench.errorMap(id)).updatedAtIteration >= n, [ct.id, it] as const, { timeout: 600_000 });
  await page.waitForTimeout(1500);
  const box = (await viewer.boundingBox())!;
  // The coronal pane: the top-left quarter of the 2×2 layout.
  await page.screenshot({ path: `docs/error-map-${String(it).padStart(3, '0')}.png`, clip: { x: box.x, y: box.y, width: box.width / 2, height: box.height / 2 } });
  console.log(`error map at iteration ${it}`);
}
await page.waitForFunction(() => window.workbench.trainingStatus().state === 'done', null, { timeout: 3_600_000 });
await page.screenshot({ path: 'docs/training.png' });
console.log(JSON.stringify(await page.evaluate(() => { const s = window.workbench.trainingStatus(); return { loss: s.loss, valDice: s.valDice }; })));
await browser.close();
