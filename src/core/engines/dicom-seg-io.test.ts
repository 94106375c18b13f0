import { describe, expect, it } from 'vitest';
import { readNifti, writeNifti, type Volume } from '../data';
import { readVolumeFiles } from '../data/read-files';
import { repoFile, repoFolder } from '../data/testing/repo-files';
import { isWorkbenchError } from '../errors';
import type { EngineEvent } from './contract';
import { Engine } from './engine';

const named = (rel: string) => {
  const b = repoFile(rel);
  return { name: rel.split('/').pop()!, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
};
const buffer = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** A label map on `image`'s grid as NIfTI bytes: a liver box and a spleen box, in slices 3–8 and 10–12. */
function boxes(image: Pick<Volume, 'dims' | 'affine' | 'spacing'>): { data: Uint8Array; nifti: ArrayBuffer } {
  const [nx, ny] = image.dims;
  const data = new Uint8Array(image.dims[0] * image.dims[1] * image.dims[2]);
  const box = (v: number, k0: number, k1: number, j0: number, j1: number, i0: number, i1: number) => {
    for (let k = k0; k < k1; k++) for (let j = j0; j < j1; j++) for (let i = i0; i < i1; i++) data[i + nx * (j + ny * k)] = v;
  };
  box(5, 3, 9, 200, 300, 100, 220);
  box(1, 10, 13, 250, 290, 350, 400);
  const v: Volume = { name: 'organs-labels', dims: [...image.dims], spacing: [...image.spacing], affine: Float64Array.from(image.affine), data, scale: { slope: 1, inter: 0 }, intent: 'label' };
  return { data, nifti: buffer(writeNifti(v, { gzip: false, intent: 'label' })) };
}

describe('Engine: DICOM SEG export and import (patient B, no GPU needed)', () => {
  it('exports a label map on the DICOM scan with its edits, and the SEG loads back as a label map of that scan', async () => {
    const engine = new Engine();
    const events: EngineEvent[] = [];
    engine.onEvent((e) => void events.push(e));
    const ct = (await engine.loadVolume(repoFolder('test-data/ct-abdomen-b/dicom'))).info;
    expect(ct.dicom).toMatchObject({ slices: 20, frameOfReferenceUid: '1.3.12.2.1107.5.1.4.60064.30000022120807274275100000041' });
    const image = { dims: ct.dims, spacing: ct.spacing, affine: Float64Array.from(ct.affine) };
    const drawn = boxes(image);
    const lab = (await engine.loadVolume([{ name: 'organs-labels.nii', bytes: drawn.nifti }], { role: 'label', imageId: ct.id, labelTable: { 1: 'spleen', 5: 'liver' } })).info;

    // An edit (as the viewer's pen hands it over): erase the spleen's last slice, add liver in slice 15.
    const [nx, ny] = ct.dims;
    const edited = Uint8Array.from(drawn.data);
    for (let j = 250; j < 290; j++) for (let i = 350; i < 400; i++) edited[i + nx * (j + ny * 12)] = 0;
    for (let j = 10; j < 20; j++) for (let i = 10; i < 30; i++) edited[i + nx * (j + ny * 15)] = 5;
    const editedVolume: Volume = { name: 'edit', dims: [...ct.dims], spacing: [...ct.spacing], affine: Float64Array.from(ct.affine), data: edited, scale: { slope: 1, inter: 0 } };
    engine.replaceLabelData(lab.id, buffer(writeNifti(editedVolume, { gzip: false, intent: 'label' })));

    const bytes = await engine.exportVolume(lab.id, { format: 'dicom-seg' });
    expect(events.some((e) => e.type === 'log' && e.level === 'warn' && /no Study Instance UID/.test(e.text))).toBe(true);
    const back = (await engine.loadVolume([{ name: 'organs.seg.dcm', bytes: buffer(bytes) }])).info;
    expect(back).toMatchObject({ role: 'label', imageId: ct.id, dims: ct.dims, labels: { 1: 'spleen', 2: 'liver' } });
    // Segment numbers follow the label values: spleen (1) → 1, liver (5) → 2.
    const gz = readNifti(await engine.exportVolume(back.id), 'back.nii.gz');
    let diff = 0;
    for (let i = 0; i < edited.length; i++) if ([0, 1, 5][gz.data[i]] !== edited[i]) diff++;
    expect(diff).toBe(0);
    expect(Array.from(gz.data).filter((v) => v === 2).length).toBe(6 * 100 * 120 + 10 * 20);
  });

  it('refuses DICOM SEG for a NIfTI-sourced scan with the sentence, and a SEG that matches no loaded scan', async () => {
    const engine = new Engine();
    const dicomEngine = new Engine();
    const ct = (await engine.loadVolume([named('test-data/ct-abdomen-b/ct.nii.gz')])).info;
    expect(ct.dicom).toBeUndefined();
    const lab = (await engine.loadVolume([named('test-data/ct-abdomen-b/labels-totalseg-v2.nii.gz')], { role: 'label', imageId: ct.id })).info;
    const err = await engine.exportVolume(lab.id, { format: 'dicom-seg' }).catch((e: unknown) => e);
    expect(isWorkbenchError(err, 'not-dicom')).toBe(true);
    expect((err as Error).message).toBe(`DICOM SEG is not offered for labels-totalseg-v2.nii.gz: its scan ct.nii.gz was not loaded from DICOM, so there are no Study, Series, Frame of Reference and SOP Instance UIDs for a DICOM Segmentation to reference; load the scan's DICOM series and attach the label map to it, or export NIfTI.`);
    const img = await engine.exportVolume(ct.id, { format: 'dicom-seg' }).catch((e: unknown) => e);
    expect((img as Error).message).toMatch(/^DICOM SEG is not offered for ct\.nii\.gz: a DICOM Segmentation holds a label map, and ct\.nii\.gz is an image/);

    // A SEG of the DICOM series, dropped where only the NIfTI of the same scan is loaded: refused, naming both.
    const series = (await dicomEngine.loadVolume(repoFolder('test-data/ct-abdomen-b/dicom'))).info;
    const drawn = boxes({ dims: series.dims, spacing: series.spacing, affine: Float64Array.from(series.affine) });
    const dl = (await dicomEngine.loadVolume([{ name: 'organs-labels.nii', bytes: drawn.nifti }], { role: 'label', imageId: series.id })).info;
    const seg = await dicomEngine.exportVolume(dl.id, { format: 'dicom-seg' });
    const refused = await engine.loadVolume([{ name: 'b.seg.dcm', bytes: buffer(seg) }]).catch((e: unknown) => e);
    expect(isWorkbenchError(refused, 'seg-reference-mismatch')).toBe(true);
    expect((refused as Error).message).toMatch(/^b\.seg\.dcm is a DICOM SEG of series 2\.25\.\d+ \(2 segments, 9 frames\), but it does not match ct\.nii\.gz: ct\.nii\.gz was not loaded from DICOM, so it has no SOP Instance UIDs to match; load the DICOM series it was made from, then the SEG\.$/);
    expect(engine.volumes()).toHaveLength(2);
    // Given as imageId, a label map is refused too.
    const notImage = await dicomEngine.loadVolume([{ name: 'b.seg.dcm', bytes: buffer(seg) }], { imageId: dl.id }).catch((e: unknown) => e);
    expect((notImage as Error).message).toMatch(/organs-labels\.nii is a label volume; attach a DICOM SEG to its image instead/);
    const noScan = await new Engine().loadVolume([{ name: 'b.seg.dcm', bytes: buffer(seg) }]).catch((e: unknown) => e);
    expect((noScan as Error).message).toMatch(/, a label map of a scan, but no scan is loaded to attach it to; load the DICOM series it was made from, then the SEG\.$/);
  });

  it('a SEG among the files of a series is left out of it with a warning; a SEG alone is not a scan', async () => {
    const engine = new Engine();
    const series = (await engine.loadVolume(repoFolder('test-data/ct-abdomen-b/dicom'))).info;
    const drawn = boxes({ dims: series.dims, spacing: series.spacing, affine: Float64Array.from(series.affine) });
    const dl = (await engine.loadVolume([{ name: 'organs-labels.nii', bytes: drawn.nifti }], { role: 'label', imageId: series.id })).info;
    const seg = { name: 'organs.seg.dcm', bytes: buffer(await engine.exportVolume(dl.id, { format: 'dicom-seg' })) };
    const v = await readVolumeFiles([...repoFolder('test-data/ct-abdomen-b/dicom'), seg]);
    expect(v.dims).toEqual([512, 512, 20]);
    expect(v.warnings).toEqual([expect.stringMatching(/^organs\.seg\.dcm is a DICOM SEG \(label maps, not slices of the scan\) and was left out of the series/)]);
    const alone = await readVolumeFiles([seg, { ...seg, name: 'copy.seg.dcm' }]).catch((e: unknown) => e);
    expect((alone as Error).message).toMatch(/^organs\.seg\.dcm, copy\.seg\.dcm are DICOM Segmentation objects \(label maps of a DICOM scan\), not a scan/);
  });
});
