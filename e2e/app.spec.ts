import { test, expect } from './fixtures/workbench';

test.describe('the app opens on the demo scan', () => {
  test('shows patient A with its organ labels, on WebGPU', async ({ wb, page }) => {
    await wb.open();
    const backend = await wb.backend();
    expect(backend.name).toBe('webgpu');
    expect(backend.adapter.toLowerCase()).toContain('swiftshader');
    expect(backend.reason).toBeUndefined();
    await expect(page.getByTestId('backend.badge')).toContainText('WebGPU');

    const vols = await wb.volumes();
    expect(vols).toHaveLength(2);
    const [ct, labels] = vols;
    expect(ct).toMatchObject({ role: 'image', name: 'ct.nii.gz', dims: [122, 101, 112] });
    expect(ct.spacing.map((s) => Math.round(s * 1000) / 1000)).toEqual([3, 3, 3]);
    expect(ct.min).toBeLessThan(-900);
    expect(ct.max).toBeGreaterThan(1000);
    expect(ct.affine).toHaveLength(16);
    expect(labels).toMatchObject({ role: 'label', imageId: ct.id, dims: [122, 101, 112] });
    expect(labels.labels).toEqual({ 1: 'spleen', 2: 'kidney_right', 3: 'kidney_left', 4: 'liver' });

    // NiiVue holds both: the CT and the label overlay on the same grid.
    const layers = await page.evaluate(() => window.workbench.viewerLayers());
    expect(layers.map((l) => l.kind)).toEqual(['image', 'label']);
    expect(layers[0].dims).toEqual([122, 101, 112]);
    await expect(page.getByTestId('labels.legend')).toContainText('liver');
  });

  test('CT window presets change the displayed range', async ({ wb, page }) => {
    await wb.open();
    await page.getByTestId('window.lung').click();
    let layers = await page.evaluate(() => window.workbench.viewerLayers());
    expect([layers[0].calMin, layers[0].calMax]).toEqual([-1350, 150]);
    await page.getByTestId('window.bone').click();
    layers = await page.evaluate(() => window.workbench.viewerLayers());
    expect([layers[0].calMin, layers[0].calMax]).toEqual([-500, 1300]);
  });

  test('makes no request to any other origin', async ({ wb }) => {
    await wb.open();
    await wb.page.waitForTimeout(1000);
    expect(wb.foreignRequests()).toEqual([]);
    expect(wb.requests.length).toBeGreaterThan(0);
  });
});
