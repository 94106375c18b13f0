import { readFileSync } from 'node:fs';
import dcmjs from 'dcmjs';
import { test, expect, filesIn, testFile } from './fixtures/workbench';
import { readNifti, writeNifti, type Volume } from '../src/core/data';
import type { VolumeInfo } from '../src/api/types';

/** A label map on `ct`'s grid: liver in slices 3–8, spleen in 10–12 (9 SEG frames). */
function organBoxes(ct: VolumeInfo): { data: Uint8Array; nifti: Uint8Array } {
  const [nx, ny, nz] = ct.dims;
  const data = new Uint8Array(nx * ny * nz);
  const box = (v: number, k0: number, k1: number, j0: number, j1: number, i0: number, i1: number) => {
    for (let k = k0; k < k1; k++) for (let j = j0; j < j1; j++) for (let i = i0; i < i1; i++) data[i + nx * (j + ny * k)] = v;
  };
  box(5, 3, 9, 200, 300, 100, 220);
  box(1, 10, 13, 250, 290, 350, 400);
  const v: Volume = { name: 'organs-labels', dims: [...ct.dims], spacing: [...ct.spacing], affine: Float64Array.from(ct.affine), data, scale: { slope: 1, inter: 0 }, intent: 'label' };
  return { data, nifti: writeNifti(v, { gzip: true, intent: 'label' }) };
}

test.describe('DICOM SEG', () => {
  test('a label map on patient B\'s DICOM series downloads as DICOM SEG from the volume list, and the SEG dropped back attaches to the scan', async ({ wb, page }) => {
    await wb.open({ demo: false });
    await wb.dropFiles(filesIn(testFile('ct-abdomen-b/dicom')));
    const [ct] = await wb.waitForVolumeCount(1);
    expect(ct.dicom).toMatchObject({ slices: 20 });
    const drawn = organBoxes(ct);
    const lab = await wb.loadBytes(drawn.nifti, { name: 'organs-labels', role: 'label', imageId: ct.id, labelTable: { 1: 'spleen', 5: 'liver' } });
    expect(lab).not.toHaveProperty('error');

    const row = page.getByTestId('volumes.label').filter({ hasText: 'organs-labels' });
    const button = row.getByTestId('volumes.label.export-seg');
    await expect(button).toBeEnabled();
    await expect(row.getByTestId('volumes.label.seg-unavailable')).toHaveCount(0);
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toBe('organs-labels.seg.dcm');
    const bytes = readFileSync((await download.path())!);

    // What dcmjs wrote in the browser's worker, dcmjs reads in Node.
    const dict = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict);
    expect(ds.SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.66.4');
    expect(ds.NumberOfFrames).toBe(9);
    expect((ds.SegmentSequence as { SegmentLabel: string }[]).map((s) => s.SegmentLabel)).toEqual(['spleen', 'liver']);
    expect(ds.FrameOfReferenceUID).toBe(ct.dicom!.frameOfReferenceUid);
    // B's files were anonymised without Study/Series UIDs: the user is told what the SEG carries instead.
    await expect(page.getByText(/have no Study Instance UID, Series Instance UID/).first()).toBeVisible();

    await wb.dropFiles([{ name: 'organs-labels.seg.dcm', bytes }]);
    const vols = await wb.waitForVolumeCount(3);
    const back = vols.find((v) => v.name === 'organs-labels.seg.dcm');
    expect(back).toMatchObject({ role: 'label', imageId: ct.id, dims: ct.dims, labels: { 1: 'spleen', 2: 'liver' } });
    const gz = await page.evaluate(async (id) => Array.from(await window.workbench.exportVolume(id)), back!.id);
    const map = readNifti(new Uint8Array(gz), 'back.nii.gz');
    let diff = 0;
    for (let i = 0; i < drawn.data.length; i++) if ([0, 1, 5][map.data[i]] !== drawn.data[i]) diff++;
    expect(diff).toBe(0);
    expect(wb.foreignRequests()).toEqual([]);
    expect(wb.pageErrors).toEqual([]);
  });

  test('the demo scan came from NIfTI: the volume list says why DICOM SEG is not offered, and the API rejects with that sentence', async ({ wb, page }) => {
    await wb.open();
    const vols = await wb.waitForVolumeCount(2);
    const label = vols.find((v) => v.role === 'label')!;
    const row = page.getByTestId('volumes.label').filter({ hasText: label.name });
    await expect(row.getByTestId('volumes.label.export-seg')).toBeDisabled();
    const shown = await row.getByTestId('volumes.label.seg-unavailable').textContent();
    expect(shown).toMatch(/^DICOM SEG is not offered for labels-organs4\.nii\.gz: its scan ct\.nii\.gz was not loaded from DICOM/);
    const rejected = await page.evaluate(async (id) => {
      try {
        await window.workbench.exportVolume(id, { format: 'dicom-seg' });
        return { message: 'exported', code: undefined };
      } catch (e) {
        return { message: (e as Error).message, code: (e as { code?: string }).code };
      }
    }, label.id);
    expect(rejected).toEqual({ message: shown, code: 'not-dicom' });
  });
});
