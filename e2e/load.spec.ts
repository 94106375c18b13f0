import { test, expect, testFile } from './fixtures/workbench';
import { readFileSync } from 'node:fs';
import { demoNifti, fourD, labelsHolding, noTransform, pngBytes, textBytes, tooLarge, truncatedGzip, twoD } from './fixtures/bad-inputs';

test.describe('loading scans', () => {
  test('drag and drop of a .nii.gz adds and shows it', async ({ wb, page }) => {
    await wb.open({ demo: false });
    expect(await wb.volumes()).toEqual([]);
    await wb.dropFiles([testFile('mr-abdomen/mr.nii.gz')]);
    const [mr] = await wb.waitForVolumeCount(1);
    expect(mr).toMatchObject({ name: 'mr.nii.gz', role: 'image', dims: [117, 91, 20] });
    const layers = await page.evaluate(() => window.workbench.viewerLayers());
    expect(layers).toHaveLength(1);
    expect(layers[0].dims).toEqual([117, 91, 20]);
  });

  test('a DICOM series (JPEG 2000) through the folder picker matches its NIfTI conversion', async ({ wb, page }) => {
    await wb.open({ demo: false });
    await page.getByTestId('open.folder.input').setInputFiles(testFile('ct-abdomen-b/dicom'));
    const [dcm] = await wb.waitForVolumeCount(1);
    expect(dcm.role).toBe('image');
    const nii = await wb.loadVolume('/__test-data/ct-abdomen-b/ct.nii.gz');
    if ('error' in nii) throw new Error(nii.error);
    expect([...dcm.dims].sort()).toEqual([...nii.dims].sort());
    expect(dcm.min).toBeCloseTo(nii.min, 0);
    expect(dcm.max).toBeCloseTo(nii.max, 0);
    // The same world box: the affines may order axes differently, so compare the far corners' world positions.
    const corner = (a: number[], d: number[]) => {
      const pts: number[][] = [];
      for (const i of [0, d[0] - 1]) for (const j of [0, d[1] - 1]) for (const k of [0, d[2] - 1])
        pts.push([0, 1, 2].map((r) => a[4 * r] * i + a[4 * r + 1] * j + a[4 * r + 2] * k + a[4 * r + 3]));
      return pts.map((p) => p.map((x) => Math.round(x))).sort((p, q) => p[0] - q[0] || p[1] - q[1] || p[2] - q[2]);
    };
    const cd = corner(dcm.affine, dcm.dims), cn = corner(nii.affine, nii.dims);
    for (let i = 0; i < 8; i++) for (let r = 0; r < 3; r++) expect(Math.abs(cd[i][r] - cn[i][r])).toBeLessThanOrEqual(1);
  });

  test('a label map with its label table, dropped together, overlays the image with names', async ({ wb, page }) => {
    await wb.open({ demo: false });
    await wb.pickFiles([testFile('ct-abdomen-b/ct.nii.gz')]);
    await wb.waitForVolumeCount(1);
    await wb.dropFiles([testFile('ct-abdomen-b/labels-totalseg-v2.nii.gz'), testFile('labels-totalseg-v2.txt')]);
    const vols = await wb.waitForVolumeCount(2);
    const label = vols.find((v) => v.role === 'label')!;
    expect(label.imageId).toBe(vols[0].id);
    expect(label.labels?.[1]).toBe('spleen');
    expect(label.labels?.[5]).toBe('liver');
    const layers = await page.evaluate(() => window.workbench.viewerLayers());
    expect(layers.map((l) => l.kind)).toEqual(['image', 'label']);
  });
});

test.describe('bad input gets a clear message and loses nothing', () => {
  const cases: { name: string; file: () => { name: string; bytes: Uint8Array }; expect: RegExp }[] = [
    { name: 'a PNG', file: () => ({ name: 'photo.png.nii', bytes: pngBytes() }), expect: /photo\.png\.nii.*(NIfTI|DICOM).*PNG/is },
    { name: 'a text file', file: () => ({ name: 'notes.nii', bytes: textBytes() }), expect: /notes\.nii.*(NIfTI|DICOM)/is },
    { name: 'a truncated .gz', file: () => ({ name: 'cut.nii.gz', bytes: truncatedGzip() }), expect: /cut\.nii\.gz.*(truncated|incomplete|ends early)/is },
    { name: 'a 4-D volume', file: () => ({ name: 'fmri.nii.gz', bytes: fourD() }), expect: /fmri\.nii\.gz.*4-D.*3-D/is },
    { name: 'a 2-D image', file: () => ({ name: 'slice.nii.gz', bytes: twoD() }), expect: /slice\.nii\.gz.*2-D.*3-D/is },
    { name: 'a scan too large for the device', file: () => ({ name: 'huge.nii.gz', bytes: tooLarge() }), expect: /huge\.nii\.gz.*4096×4096×4096.*(GPU|device)/is },
  ];
  for (const c of cases) {
    test(c.name, async ({ wb, page }) => {
      await wb.open();
      const before = await wb.volumes();
      expect(before).toHaveLength(2);
      await wb.dropFiles([c.file()]);
      await expect.poll(() => wb.lastError(), { timeout: 60_000 }).toMatch(c.expect);
      await expect(page.getByTestId('message.error').last()).toContainText(c.file().name);
      expect(await wb.volumes()).toEqual(before);
      const layers = await page.evaluate(() => window.workbench.viewerLayers());
      expect(layers).toHaveLength(2);
    });
  }

  test('a label map whose grid differs from its image', async ({ wb }) => {
    await wb.open();
    const before = await wb.volumes();
    const r = await wb.loadVolume('/__test-data/ct-abdomen-b/labels-totalseg-v2.nii.gz', { role: 'label', imageId: before[0].id });
    expect('error' in r && r.error).toMatch(/labels-totalseg-v2\.nii\.gz is 512×512×20 but the image .*is 122×101×112/);
    expect('code' in r && r.code).toBe('label-grid-mismatch');
    expect(await wb.lastError()).toBe((r as { error: string }).error);
    expect(await wb.volumes()).toEqual(before);
  });

  test('a URL on another origin is refused without a request', async ({ wb }) => {
    await wb.open();
    const r = await wb.loadVolume('https://example.com/scan.nii.gz');
    expect('error' in r && r.error).toMatch(/another origin/);
    expect('code' in r && r.code).toBe('bad-argument');
    expect(wb.foreignRequests()).toEqual([]);
  });
});

test.describe('the name is a label for people: it never decides the format, and a load is all or nothing', () => {
  const mr = () => new Uint8Array(readFileSync(testFile('mr-abdomen/mr.nii.gz')));

  for (const name of ['series.001', 'CT.1.3.12.2', '3Dircadb1.1']) {
    test(`a NIfTI loaded as bytes named ${name} is shown, and the demo stays`, async ({ wb, page }) => {
      await wb.open();
      const before = await wb.volumes();
      const r = await wb.loadBytes(mr(), { name });
      if ('error' in r) throw new Error(r.error);
      expect(r).toMatchObject({ name, role: 'image', dims: [117, 91, 20] });
      const after = await wb.volumes();
      expect(after.map((v) => v.id)).toEqual([...before.map((v) => v.id), r.id]);
      const layers = await page.evaluate(() => window.workbench.viewerLayers());
      expect(layers.map((l) => [l.name, l.dims])).toEqual([[name, [117, 91, 20]]]);
      // The demo and its labels are still loaded, and come back on screen.
      await page.evaluate((id) => window.workbench.show(id), before[0].id);
      await expect.poll(async () => (await page.evaluate(() => window.workbench.viewerLayers())).map((l) => l.kind)).toEqual(['image', 'label']);
      expect(wb.pageErrors).toEqual([]);
      expect(wb.foreignRequests()).toEqual([]);
    });
  }

  test('a file named series.001 dropped onto the page is recognised by its content', async ({ wb, page }) => {
    await wb.open({ demo: false });
    await wb.dropFiles([{ name: 'series.001', bytes: mr() }]);
    const [v] = await wb.waitForVolumeCount(1);
    expect(v).toMatchObject({ name: 'series.001', role: 'image', dims: [117, 91, 20] });
    expect((await page.evaluate(() => window.workbench.viewerLayers())).map((l) => l.name)).toEqual(['series.001']);
    expect(wb.pageErrors).toEqual([]);
  });

  test('a label map holding −1 after a good scan: refused with a sentence, the scan and its labels intact', async ({ wb, page }) => {
    await wb.open();
    const before = await wb.volumes();
    expect(before.map((v) => v.role)).toEqual(['image', 'label']);
    const r = await wb.loadBytes(labelsHolding(-1), { name: 'labels-neg.nii.gz', role: 'label', imageId: before[0].id });
    expect('error' in r && r.error).toMatch(/^labels-neg\.nii\.gz holds -1 at voxel \(\d+, \d+, \d+\); a label map must hold whole class numbers from 0 \(background\) to 65535/);
    expect(await wb.lastError()).toBe((r as { error: string }).error);
    // Inferred as a label map by its name, dropped: the same sentence.
    await wb.dropFiles([{ name: 'labels-neg.nii.gz', bytes: labelsHolding(-1) }]);
    await expect.poll(async () => (await page.getByTestId('message.error').count())).toBeGreaterThanOrEqual(2);
    expect(await wb.volumes()).toEqual(before);
    expect((await page.evaluate(() => window.workbench.viewerLayers())).map((l) => l.kind)).toEqual(['image', 'label']);
    await expect(page.getByTestId('labels.legend')).toContainText('spleen');
    expect(wb.pageErrors).toEqual([]);
  });

  test('a NIfTI whose pixdim is NaN and which has no qform/sform is refused; with pixdim 0 it loads with warnings', async ({ wb, page }) => {
    await wb.open();
    const before = await wb.volumes();
    const bad = await wb.loadBytes(noTransform([NaN, 3, 3]), { name: 'nan.nii.gz' });
    expect('error' in bad && bad.error).toMatch(/^nan\.nii\.gz has voxel size pixdim\[1\] = NaN .* it has no qform or sform; expected three finite sizes in mm/);
    expect(await wb.volumes()).toEqual(before);
    const zero = await wb.loadBytes(noTransform([0, 3, 3]), { name: 'zero.nii.gz' });
    if ('error' in zero) throw new Error(zero.error);
    expect(zero.spacing).toEqual([1, 3, 3]);
    expect(zero.warnings).toHaveLength(2);
    expect(await page.evaluate(() => window.workbench.lastMessage())).toMatchObject({ kind: 'warning', text: expect.stringMatching(/^zero\.nii\.gz has no qform or sform/) });
    await expect(page.getByTestId('message.warning').first()).toContainText('zero.nii.gz gives voxel size 0 along i');
    expect((await wb.volumes()).length).toBe(before.length + 1);
    expect(wb.pageErrors).toEqual([]);
  });

  test('a file named .nii that is a DICOM slice, and bytes that are nothing: sentences, nothing half-loaded', async ({ wb, page }) => {
    await wb.open();
    const before = await wb.volumes();
    const png = await wb.loadBytes(pngBytes(), { name: 'series.001' });
    expect('error' in png && png.error).toMatch(/^series\.001 is neither NIfTI, NRRD, MetaImage nor DICOM: .* found a PNG image/);
    const half = await wb.loadBytes(new Uint8Array(demoNifti().subarray(0, 10000)), { name: 'CT.1.3.12.2' });
    expect('error' in half && half.error).toMatch(/^CT\.1\.3\.12\.2 is truncated: its header promises/);
    expect(await wb.volumes()).toEqual(before);
    expect((await page.evaluate(() => window.workbench.viewerLayers())).map((l) => l.kind)).toEqual(['image', 'label']);
    expect(wb.pageErrors).toEqual([]);
  });
});
