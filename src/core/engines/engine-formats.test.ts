/**
 * The engine with NRRD and MetaImage files and with statistics (no GPU needed: nothing here trains or
 * segments): NRRD/MetaImage label maps attach to their image like NIfTI ones, the viewer gets NIfTI bytes of
 * them, exports in each format read back to the same voxels, and statistics(labelId) answers per organ.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMetaImage } from '../data/metaimage-read';
import { writeMetaImage } from '../data/metaimage-write';
import { readNifti } from '../data/nifti-read';
import { readNrrd } from '../data/nrrd-read';
import { writeNrrd } from '../data/nrrd-write';
import { labelArray } from '../data/checks';
import { volumesMl } from '../metrics/volumes';
import { Engine } from './engine';

const demo = (f: string) => {
  const b = readFileSync(resolve(import.meta.dirname, '../../../public/demo', f));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};
const buf = (u: Uint8Array) => u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;

describe('Engine with NRRD / MetaImage volumes and statistics', async () => {
  const ctNifti = readNifti(demo('ct.nii.gz'), 'ct.nii.gz');
  const labelsNifti = readNifti(demo('labels-organs4.nii.gz'), 'labels-organs4.nii.gz');
  const table = new TextDecoder().decode(demo('labels-organs4.txt'));
  const engine = new Engine();
  const image = await engine.loadVolume([{ name: 'ct.nrrd', bytes: buf(writeNrrd(ctNifti)) }]);
  const labels = await engine.loadVolume([{ name: 'labels-organs4.mha', bytes: buf(writeMetaImage(labelsNifti)) }], { labelTable: table });

  it('an NRRD scan loads as an image and a MetaImage label map (named so) attaches to it, with its table', () => {
    expect(image.info).toMatchObject({ role: 'image', dims: [122, 101, 112], name: 'ct.nrrd' });
    expect(labels.info).toMatchObject({ role: 'label', imageId: image.info.id, labels: { 1: 'spleen', 2: 'kidney_right', 3: 'kidney_left', 4: 'liver' } });
  });

  it('the viewer gets NIfTI bytes with the same voxels and affine', () => {
    const shown = readNifti(labels.nifti, 'shown');
    expect(Array.from(shown.data)).toEqual(Array.from(labelsNifti.data));
    Array.from(shown.affine).forEach((x, i) => expect(x).toBeCloseTo(labelsNifti.affine[i], 4));
  });

  it('a label map on another grid is refused as for NIfTI', async () => {
    const shifted = { ...labelsNifti, affine: Float64Array.from(labelsNifti.affine, (x, i) => (i === 3 ? x + 30 : x)) };
    await expect(engine.loadVolume([{ name: 'labels-shifted.nrrd', bytes: buf(writeNrrd(shifted)) }], { role: 'label', imageId: image.info.id })).rejects.toMatchObject({ code: 'label-grid-mismatch' });
  });

  it('exportVolume: NIfTI by default, NRRD and MetaImage on request, each reading back to the same voxels', () => {
    const id = labels.info.id;
    const gz = engine.exportVolume(id);
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    expect(readNifti(gz, 'x').intent).toBe('label');
    for (const [format, read] of [['nrrd', readNrrd], ['mha', readMetaImage]] as const) {
      const back = read(engine.exportVolume(id, { format }), `x.${format}`);
      expect(Array.from(back.data)).toEqual(Array.from(labelsNifti.data));
      expect(back.dims).toEqual(labelsNifti.dims);
    }
  });

  it('exportVolume refuses DICOM SEG (not in this build) and unknown formats with a sentence', () => {
    expect(() => engine.exportVolume(labels.info.id, { format: 'dicom-seg' })).toThrow(expect.objectContaining({ code: 'not-available', message: expect.stringMatching(/not available in this build/) }));
    expect(() => engine.exportVolume(labels.info.id, { format: 'png' as never })).toThrow(expect.objectContaining({ code: 'bad-argument', message: expect.stringMatching(/"png" is not an export format; expected one of nifti, dicom-seg, nrrd, mha/) }));
  });

  it('statistics(labelId): one row per organ, named, volumes as volumesMl, HU of the attached image', () => {
    const rows = engine.statistics(labels.info.id);
    expect(rows.map((r) => r.name)).toEqual(['spleen', 'kidney_right', 'kidney_left', 'liver']);
    const ml = volumesMl(labelArray(labelsNifti), labelsNifti.spacing);
    for (const r of rows) expect(r.volumeMl).toBeCloseTo(ml.get(r.label)!, 9);
    // Independently: the liver's mean HU straight from the NIfTI voxels.
    const l = labelArray(labelsNifti);
    let s = 0;
    let n = 0;
    for (let i = 0; i < l.length; i++) {
      if (l[i] !== 4) continue;
      s += ctNifti.data[i] * ctNifti.scale.slope + ctNifti.scale.inter;
      n++;
    }
    expect(rows[3].meanHu).toBeCloseTo(s / n, 6);
    expect(rows[3].voxels).toBe(n);
  });

  it('statistics of an image is refused', () => {
    expect(() => engine.statistics(image.info.id)).toThrow(expect.objectContaining({ code: 'bad-argument', message: expect.stringMatching(/not a label map/) }));
  });
});
