import { test, expect } from './fixtures/workbench';

test.describe('labels without a model', () => {
  test('the button labels lungs and bone on the demo scan, shows them, and the MR gets a sentence', async ({ wb, page }) => {
    test.setTimeout(300_000);
    await wb.open();
    const [ct] = await wb.volumes();
    await page.getByTestId('labels.start').click();
    await expect(page.getByTestId('labels.progress')).toBeVisible();
    await wb.waitForVolumeCount(3);
    await expect(page.getByTestId('labels.progress')).toBeHidden({ timeout: 120_000 });
    const auto = (await wb.volumes()).at(-1)!;
    expect(auto).toMatchObject({ role: 'label', imageId: ct.id, origin: 'auto-labels', dims: [122, 101, 112] });
    expect(auto.labels).toEqual({ 1: 'body', 2: 'lung_left', 3: 'lung_right', 4: 'bone' });
    expect(auto.max).toBe(4);
    await expect(page.getByTestId('labels.legend')).toContainText('lung_left');
    expect((await page.evaluate(() => window.workbench.lastMessage()))?.text).toMatch(/Labelled .*automatically/);

    const mr = await wb.loadVolume('/__test-data/mr-abdomen/mr.nii.gz', { role: 'image' });
    if ('error' in mr) throw new Error(mr.error);
    const err = await page.evaluate((id) => window.workbench.makeLabels(id, { structures: ['lungs'] }).then(() => 'resolved', (e: Error & { code?: string }) => `${e.code}: ${e.message}`), mr.id);
    expect(err).toMatch(/^not-ct: mr\.nii\.gz does not look like a CT in Hounsfield units/);
    expect(wb.pageErrors).toEqual([]);
  });
});
