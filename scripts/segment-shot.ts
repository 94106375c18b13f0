/**
 * The README's picture of a segmented scan: patient B (held out) segmented by the shipped model, with the
 * results table (volumes, Dice against the reference).
 *   npm run build && npx vite preview --port 4173 &   then   npx tsx scripts/segment-shot.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApp } from './open-app';

// Patient B is test data, not shipped: served to this page only.
const { browser, page } = await openApp({
  url: process.argv[2],
  before: (p) =>
    p.route('**/__test-data/**', async (route) => {
      const rel = decodeURIComponent(new URL(route.request().url()).pathname.replace(/^\/__test-data\//, ''));
      await route.fulfill({ status: 200, body: readFileSync(join('test-data', rel)), contentType: 'application/octet-stream' });
    }),
});
const table = readFileSync('test-data/labels-totalseg-v2.txt', 'utf8');
const r = await page.evaluate(async (labelTable) => {
  const wb = window.workbench;
  for (const v of wb.volumes()) if (v.role === 'image') wb.removeVolume(v.id);
  const ct = await wb.loadVolume('/__test-data/ct-abdomen-b/ct.nii.gz', { role: 'image' });
  const ref = await wb.loadVolume('/__test-data/ct-abdomen-b/labels-totalseg-v2.nii.gz', { role: 'label', imageId: ct.id, labelTable });
  const r = await wb.segment(ct.id);
  // The picture shows the model's labels only (the results table keeps the Dice against the reference).
  wb.removeVolume(ref.id);
  wb.show(ct.id);
  return r;
}, table);
console.log(JSON.stringify(r));
await page.waitForTimeout(3000);
await page.screenshot({ path: 'docs/segmentation.png' });
await browser.close();
