/**
 * The README's pictures: the app on the demo scan, and the error map evolving while isample trains.
 *   npm run build && npx vite preview --port 4173 &   then   npx tsx scripts/readme-shots.ts
 */
import { writeFileSync } from 'node:fs';
import { openApp } from './open-app';

const { browser, page } = await openApp({ url: process.argv[2] });
await page.waitForTimeout(1500);
await page.screenshot({ path: 'docs/screenshot.png' });

const [ct] = await page.evaluate(() => window.workbench.volumes());
await page.evaluate(
  (id) => window.workbench.train({ images: [id], validation: [id], preset: 'tiny', iterations: 200, batchSize: 4, spacing: [6, 6, 6], errorMapEvery: 25, validateEvery: 50, seed: 1 }),
  ct.id,
);
const viewer = page.getByTestId('viewer');
const frames: string[] = [];
for (const it of [0, 25, 100, 200]) {
  await page.waitForFunction((n) => {
    const s = window.workbench.trainingStatus();
    return s.iteration >= n || s.state === 'done';
  }, it, { timeout: 3_600_000 });
  // (waitForFunction does not await an async predicate, so poll from here.)
  while ((await page.evaluate(async (id) => (await window.workbench.errorMap(id)).updatedAtIteration, ct.id)) < it) await page.waitForTimeout(500);
  // Pause so that the software GPU is free to draw the frame being captured.
  await page.evaluate(() => window.workbench.pauseTraining());
  await page.waitForTimeout(2500);
  // The coronal pane (top-left quarter of the 2×2 layout), cut from a full screenshot: a clipped capture
  // of the WebGL canvas can show an old frame.
  const png = await page.screenshot();
  const box = (await viewer.boundingBox())!;
  const cropped = await page.evaluate(
    async ([b64, x, y, w, h]) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = w;
      c.height = h;
      c.getContext('2d')!.drawImage(img, x, y, w, h, 0, 0, w, h);
      return c.toDataURL('image/png').split(',')[1];
    },
    [png.toString('base64'), box.x, box.y, Math.round(box.width / 2), Math.round(box.height / 2)] as const,
  );
  frames.push(cropped);
  console.log(`error map at iteration ${it}`);
  await page.evaluate(() => window.workbench.resumeTraining());
}
// The four frames side by side, 300 px each.
const strip = await page.evaluate(async (list) => {
  const imgs = await Promise.all(list.map(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    return img;
  }));
  const w = 300, h = Math.round((imgs[0].height / imgs[0].width) * w), gap = 4;
  const c = document.createElement('canvas');
  c.width = imgs.length * w + (imgs.length - 1) * gap;
  c.height = h;
  const g = c.getContext('2d')!;
  g.fillStyle = '#111317';
  g.fillRect(0, 0, c.width, c.height);
  imgs.forEach((img, i) => g.drawImage(img, i * (w + gap), 0, w, h));
  return c.toDataURL('image/png').split(',')[1];
}, frames);
writeFileSync('docs/error-map-sequence.png', Buffer.from(strip, 'base64'));
await page.waitForFunction(() => window.workbench.trainingStatus().state === 'done', null, { timeout: 3_600_000 });
await page.screenshot({ path: 'docs/training.png' });
console.log(JSON.stringify(await page.evaluate(() => { const s = window.workbench.trainingStatus(); return { loss: s.loss, valDice: s.valDice }; })));
await browser.close();
