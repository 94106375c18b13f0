/**
 * NRRD, MetaImage and statistics in the browser: exports in each format load back (with detached headers
 * dropped beside their data files), statistics(labelId) on the demo label map matches what Node computes
 * from the same files, and the results table shows them with CSV and JSON downloads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, ROOT } from './fixtures/workbench';
import { readMetaImage, readNifti, readNrrd } from '../src/core/data';
import { labelArray } from '../src/core/data/checks';
import { organStatistics } from '../src/core/metrics';

const demoCt = readNifti(readFileSync(join(ROOT, 'public/demo/ct.nii.gz')), 'ct.nii.gz');
const demoLabels = readNifti(readFileSync(join(ROOT, 'public/demo/labels-organs4.nii.gz')), 'labels-organs4.nii.gz');

test.describe('NRRD, MetaImage and statistics', () => {
  test('statistics(labelId) of the demo labels: the rows Node computes from the same files', async ({ wb, page }) => {
    await wb.open();
    const vols = await wb.volumes();
    const labels = vols.find((v) => v.role === 'label')!;
    const rows = await page.evaluate((id) => window.workbench.statistics(id), labels.id);
    const expected = organStatistics(labelArray(demoLabels), demoCt.data, demoLabels.dims, Array.from(demoLabels.affine), labels.labels ?? {}, { scale: demoCt.scale });
    expect(rows.map((r) => r.name)).toEqual(['spleen', 'kidney_right', 'kidney_left', 'liver']);
    expect(rows).toEqual(expected);
    const bad = await page.evaluate(async (id) => window.workbench.statistics(id).then(() => 'resolved', (e) => (e as { code?: string }).code), vols.find((v) => v.role === 'image')!.id);
    expect(bad).toBe('bad-argument');
  });

  test('exports as NRRD and MetaImage load back on the same grid; a dropped .nhdr + data file pair loads; a lone .mhd is refused', async ({ wb, page }) => {
    await wb.open();
    const [ct, labels] = await wb.volumes();
    const nrrd = new Uint8Array(await page.evaluate(async (id) => Array.from(await window.workbench.exportVolume(id, { format: 'nrrd' })), ct.id));
    const mha = new Uint8Array(await page.evaluate(async (id) => Array.from(await window.workbench.exportVolume(id, { format: 'mha' })), labels.id));
    // Read in Node: the voxels of the files the page was given.
    expect(Array.from(readNrrd(nrrd, 'ct.nrrd').data)).toEqual(Array.from(demoCt.data));
    expect(Array.from(readMetaImage(mha, 'l.mha').data)).toEqual(Array.from(demoLabels.data));

    const image = await wb.loadBytes(nrrd, { name: 'ct-again.nrrd', role: 'image' });
    if ('error' in image) throw new Error(image.error);
    expect(image.dims).toEqual(ct.dims);
    image.affine.forEach((x, i) => expect(x).toBeCloseTo(ct.affine[i], 4));
    const lab = await wb.loadBytes(mha, { name: 'labels-again.mha', role: 'label', imageId: image.id });
    if ('error' in lab) throw new Error(lab.error);
    expect(lab.imageId).toBe(image.id);

    // A detached header and its data file, dropped together (the header names "scan.raw").
    const n = demoLabels.dims[0] * demoLabels.dims[1] * demoLabels.dims[2];
    const header = [
      'NRRD0004', 'type: uint8', 'dimension: 3', `sizes: ${demoLabels.dims.join(' ')}`, 'space: right-anterior-superior',
      `space directions: ${[0, 1, 2].map((c) => `(${[0, 1, 2].map((r) => demoLabels.affine[r * 4 + c]).join(',')})`).join(' ')}`,
      `space origin: (${[0, 1, 2].map((r) => demoLabels.affine[r * 4 + 3]).join(',')})`, 'encoding: raw', 'data file: scan.raw', '',
    ].join('\n');
    const raw = Uint8Array.from(demoLabels.data.subarray(0, n));
    await wb.dropFiles([{ name: 'scan.raw', bytes: raw }, { name: 'organs-labels.nhdr', bytes: new TextEncoder().encode(header) }]);
    await expect.poll(async () => (await wb.volumes()).map((v) => v.name)).toContain('organs-labels.nhdr');
    const dropped = (await wb.volumes()).find((v) => v.name === 'organs-labels.nhdr')!;
    expect(dropped.role).toBe('label');

    await wb.dropFiles([{ name: 'lonely.mhd', bytes: new TextEncoder().encode('ObjectType = Image\nNDims = 3\nDimSize = 2 2 2\nElementType = MET_SHORT\nElementDataFile = lonely.raw\n') }]);
    await expect.poll(() => wb.lastError()).toMatch(/^lonely\.mhd is a detached header: expected its voxels in "lonely\.raw" beside it, found no other file/);
    expect(wb.pageErrors).toEqual([]);
    expect(wb.foreignRequests()).toEqual([]);
  });

  test('the results table shows each organ\'s HU and statistics, with CSV and JSON downloads and a format choice', async ({ wb, page }) => {
    test.setTimeout(600_000);
    await wb.open();
    const [ct] = await wb.volumes();
    const r = await page.evaluate((id) => window.workbench.segment(id), ct.id);
    const rows = await page.evaluate((id) => window.workbench.statistics(id), r.labelId);
    await expect(page.getByTestId('segment.results')).toContainText('HU (mean ± SD)');
    await page.getByTestId('segment.statistics').locator('summary').click();
    for (const row of rows) {
      await expect(page.getByTestId(`segment.statistics.${row.label}`)).toContainText(row.name);
      await expect(page.getByTestId(`segment.statistics.${row.label}`)).toContainText(row.meanHu.toFixed(1));
    }
    const csv = page.waitForEvent('download');
    await page.getByTestId('segment.statistics.csv').click();
    const csvFile = await csv;
    expect(csvFile.suggestedFilename()).toMatch(/\.statistics\.csv$/);
    const text = readFileSync(await csvFile.path(), 'utf8').split('\r\n');
    expect(text[0]).toMatch(/^label,name,voxels,volume_ml,mean_hu,sd_hu/);
    expect(text).toHaveLength(rows.length + 2);
    const json = page.waitForEvent('download');
    await page.getByTestId('segment.statistics.json').click();
    const parsed = JSON.parse(readFileSync(await (await json).path(), 'utf8'));
    expect(Object.keys(parsed)).toEqual(rows.map((x) => x.name));
    expect(parsed[rows[0].name].volume).toBeCloseTo(rows[0].volumeMl * 1000, 6);

    await page.getByTestId('segment.export.format').selectOption('nrrd');
    const exp = page.waitForEvent('download');
    await page.getByTestId('segment.export').click();
    const file = await exp;
    expect(file.suggestedFilename()).toMatch(/\.nrrd$/);
    const back = readNrrd(new Uint8Array(readFileSync(await file.path())), 'x.nrrd');
    expect(back.dims).toEqual(ct.dims);
  });
});
