import dcmjs, { type NaturalDataset } from 'dcmjs';
import dicomParser from 'dicom-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { isWorkbenchError } from '../errors';
import { applyAffine, invertAffine } from './affine';
import { dicomSegUnavailable, isDicomSeg } from './dicom-seg-check';
import { parseDicomSeg, placeFrames, readDicomSeg } from './dicom-seg-read';
import { writeDicomSeg, type DicomSegOutput } from './dicom-seg-write';
import { readDicomSeries } from './dicom-series';
import { labelArray } from './checks';
import { readNifti } from './nifti-read';
import { parseLabelTable } from './labels';
import { forEachCorresponding } from './testing/compare-grids';
import { makeDicom } from './testing/make-dicom';
import { repoFile, repoFolder } from './testing/repo-files';
import type { Volume } from './volume';

const B_DICOM = 'test-data/ct-abdomen-b/dicom';

/** Patient B's TotalSegmentator map (NIfTI grid) carried onto the DICOM series' own grid through the two affines. */
function labelsOnSeriesGrid(series: Volume): Uint8Array {
  const nifti = readNifti(repoFile('test-data/ct-abdomen-b/labels-totalseg-v2.nii.gz'), 'labels-totalseg-v2.nii.gz');
  const values = labelArray(nifti);
  const out = new Uint8Array(series.dims[0] * series.dims[1] * series.dims[2]);
  forEachCorresponding(series, nifti, (ia, ib) => {
    out[ia] = values[ib];
  });
  return out;
}

function toBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** The SEG as dcmjs reads it (independently of the workbench's reader). */
function natural(bytes: Uint8Array): { ds: NaturalDataset; meta: NaturalDataset } {
  const dict = dcmjs.data.DicomMessage.readFile(toBuffer(bytes));
  return { ds: dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict), meta: dcmjs.data.DicomMetaDictionary.namifyDataset(dict.meta) };
}

type Seq = NaturalDataset[];
const seq = (x: unknown): Seq => (Array.isArray(x) ? x : [x]) as Seq;

/** Each source file's SOP Instance UID (file meta, as these anonymised files blank the data set's) and position, read by dicom-parser. */
function sourceFiles(files: { name: string; bytes: ArrayBuffer }[]): Map<string, { name: string; position: number[]; frameOfReference: string }> {
  const out = new Map<string, { name: string; position: number[]; frameOfReference: string }>();
  for (const f of files) {
    const ds = dicomParser.parseDicom(new Uint8Array(f.bytes), { untilTag: 'x7fe00010' });
    const uid = (ds.string('x00080018') || ds.string('x00020003'))!.trim();
    out.set(uid, { name: f.name, position: ds.string('x00200032')!.split('\\').map(Number), frameOfReference: ds.string('x00200052')!.trim() });
  }
  return out;
}

describe('DICOM SEG of patient B (20 JPEG 2000 slices), TotalSegmentator labels', () => {
  const files = repoFolder(B_DICOM);
  const names = Object.fromEntries(Object.entries(parseLabelTable(new TextDecoder().decode(repoFile('test-data/labels-totalseg-v2.txt')), 'labels-totalseg-v2.txt')).map(([k, e]) => [Number(k), e.name]));
  let series: Volume;
  let labels: Uint8Array;
  let out: DicomSegOutput;
  let ms = 0;

  beforeAll(async () => {
    series = await readDicomSeries(files);
    labels = labelsOnSeriesGrid(series);
    const t0 = performance.now();
    out = await writeDicomSeg({ image: series, labelName: 'labels-totalseg-v2', labels, names, algorithm: { type: 'AUTOMATIC', name: 'TotalSegmentator' } });
    ms = performance.now() - t0;
  });

  it('writes one segment per organ present, coded in SNOMED CT, and says which names had no code', () => {
    const present = [...new Set(labels)].filter((v) => v !== 0).sort((a, b) => a - b);
    console.log(`writeDicomSeg: ${out.segments.length} segments, ${out.segments.reduce((s, x) => s + x.frames, 0)} frames, ${out.bytes.length} bytes in ${ms.toFixed(0)} ms`);
    expect(out.segments.map((s) => s.label)).toEqual(present);
    expect(present.length).toBeGreaterThan(3);
    const { ds } = natural(out.bytes);
    const segs = seq(ds.SegmentSequence);
    expect(segs.map((s) => s.SegmentLabel)).toEqual(present.map((v) => names[v]));
    expect(segs.map((s) => s.SegmentNumber)).toEqual(present.map((_, i) => i + 1));
    const liver = segs.find((s) => s.SegmentLabel === 'liver')!;
    expect(seq(liver.SegmentedPropertyCategoryCodeSequence)[0]).toMatchObject({ CodeValue: '123037004', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Anatomical Structure' });
    expect(seq(liver.SegmentedPropertyTypeCodeSequence)[0]).toMatchObject({ CodeValue: '10200004', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Liver' });
    const spleen = segs.find((s) => s.SegmentLabel === 'spleen')!;
    expect(seq(spleen.SegmentedPropertyTypeCodeSequence)[0]).toMatchObject({ CodeValue: '78961009' });
    for (const s of segs) {
      const lab = s.RecommendedDisplayCIELabValue as number[];
      expect(lab).toHaveLength(3);
      for (const x of lab) expect(Number.isInteger(x) && x >= 0 && x <= 65535).toBe(true);
      expect(s.SegmentAlgorithmType).toBe('AUTOMATIC');
      expect(s.SegmentAlgorithmName).toBe('TotalSegmentator');
    }
    const uncoded = out.segments.filter((s) => !s.codes.known).map((s) => s.name);
    if (uncoded.length) expect(out.warnings.join(' ')).toContain(uncoded[0]);
    else expect(out.warnings.join(' ')).not.toContain('no SNOMED CT code');
  });

  it('references the source files: each frame its slice by SOP Instance UID at that slice position, the Frame of Reference, every instance of the series', () => {
    const src = sourceFiles(files);
    const { ds } = natural(out.bytes);
    expect(ds.SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.66.4');
    expect(ds.Modality).toBe('SEG');
    const fors = new Set([...src.values()].map((s) => s.frameOfReference));
    expect(fors.size).toBe(1);
    expect(ds.FrameOfReferenceUID).toBe([...fors][0]);
    const ref = seq(ds.ReferencedSeriesSequence)[0];
    const listed = seq(ref.ReferencedInstanceSequence).map((r) => r.ReferencedSOPInstanceUID as string);
    expect(new Set(listed)).toEqual(new Set(src.keys()));
    expect(seq(ref.ReferencedInstanceSequence).every((r) => r.ReferencedSOPClassUID === '1.2.840.10008.5.1.4.1.1.2')).toBe(true);
    // These anonymised files have no Study/Series Instance UID: the SEG's are derived, and the user is told.
    expect(ref.SeriesInstanceUID).toBe(series.dicom!.seriesInstanceUid);
    expect(ds.StudyInstanceUID).toBe(series.dicom!.studyInstanceUid);
    expect(out.warnings.join(' ')).toMatch(/no Study Instance UID, Series Instance UID/);
    const frames = seq(ds.PerFrameFunctionalGroupsSequence);
    expect(frames.length).toBe(Number(ds.NumberOfFrames));
    for (const g of frames) {
      const sop = seq(seq(seq(g.DerivationImageSequence)[0].SourceImageSequence)[0])[0].ReferencedSOPInstanceUID as string;
      const file = src.get(sop);
      expect(file, `frame source ${sop}`).toBeDefined();
      expect(seq(g.PlanePositionSequence)[0].ImagePositionPatient).toEqual(file!.position);
    }
  });

  it('re-parsed by dcmjs and rasterised independently, matches the label map voxel for voxel', () => {
    const { ds } = natural(out.bytes);
    const segLabel = new Map(seq(ds.SegmentSequence).map((s) => [Number(s.SegmentNumber), s.SegmentLabel as string]));
    const src = sourceFiles(files);
    const inv = invertAffine(series.affine);
    const [nx, ny, nz] = series.dims;
    const per = nx * ny;
    const bits = dcmjs.data.BitArray.unpack((ds.PixelData as ArrayBuffer[])[0]);
    const got = new Array<string | undefined>(per * nz);
    const frames = seq(ds.PerFrameFunctionalGroupsSequence);
    frames.forEach((g, f) => {
      const sop = seq(seq(g.DerivationImageSequence)[0].SourceImageSequence)[0].ReferencedSOPInstanceUID as string;
      const p = src.get(sop)!.position;
      const k = Math.round(applyAffine(inv, -p[0], -p[1], p[2])[2]); // LPS → RAS → voxel
      const name = segLabel.get(Number(seq(g.SegmentIdentificationSequence)[0].ReferencedSegmentNumber));
      for (let q = 0; q < per; q++) if (bits[f * per + q]) got[k * per + q] = name;
    });
    let diff = 0;
    let labelled = 0;
    for (let i = 0; i < labels.length; i++) {
      const want = labels[i] ? names[labels[i]] : undefined;
      if (want) labelled++;
      if (got[i] !== want) diff++;
    }
    expect(labelled).toBeGreaterThan(10000);
    expect(diff).toBe(0);
  });

  it('reads back through the workbench reader as the same map (label = segment number)', async () => {
    const t0 = performance.now();
    const back = await readDicomSeg(out.bytes, 'b.seg.dcm', series);
    console.log(`readDicomSeg: ${out.segments.length} segments, ${back.volume.data.length} voxels in ${(performance.now() - t0).toFixed(0)} ms`);
    const byNumber = new Map(out.segments.map((s) => [s.number, s.label]));
    let diff = 0;
    const data = back.volume.data;
    for (let i = 0; i < labels.length; i++) if ((data[i] === 0 ? 0 : byNumber.get(data[i])) !== labels[i]) diff++;
    expect(diff).toBe(0);
    expect(back.labels).toEqual(Object.fromEntries(out.segments.map((s) => [s.number, s.name])));
    expect(back.volume.dims).toEqual(series.dims);
    expect(Array.from(back.volume.affine)).toEqual(Array.from(series.affine));
  });

  it('is a well-formed Part 10 file to dicom-parser: SEG class, explicit VR LE, bit-packed frames, the mandatory attributes', () => {
    expect(isDicomSeg(out.bytes)).toBe(true);
    const ds = dicomParser.parseDicom(out.bytes);
    expect(ds.string('x00020002')).toBe('1.2.840.10008.5.1.4.1.1.66.4');
    expect(ds.string('x00020010')).toBe('1.2.840.10008.1.2.1');
    expect(ds.string('x00020003')).toBe(ds.string('x00080018'));
    const frames = ds.intString('x00280008')!;
    expect(frames).toBe(out.segments.reduce((s, x) => s + x.frames, 0));
    expect(ds.uint16('x00280100')).toBe(1);
    const px = ds.elements.x7fe00010;
    const need = Math.ceil((frames * 512 * 512) / 8);
    expect(px.length).toBe(need + (need % 2));
    // Type 1 attributes of the Segmentation IOD's modules (PS3.3 A.51), and type 2 ones present (maybe empty).
    const type1 = ['x0020000d', 'x0020000e', 'x00080018', 'x00080016', 'x00200052', 'x00080060', 'x00620001', 'x00700080', 'x00209221', 'x00209222', 'x52009229', 'x52009230', 'x00620002', 'x00080070', 'x00081090', 'x00181000', 'x00181020', 'x00080008', 'x00200013', 'x00080023', 'x00080033', 'x00280010', 'x00280011', 'x00280002', 'x00280004'];
    for (const t of type1) expect(ds.elements[t], t).toBeDefined();
    for (const t of type1.filter((x) => !['x00620002', 'x00209221', 'x00209222', 'x52009229', 'x52009230', 'x00080008'].includes(x))) expect(ds.elements[t].length, `${t} is empty`).toBeGreaterThan(0);
    for (const t of ['x00100010', 'x00100020', 'x00100030', 'x00100040', 'x00080020', 'x00080030', 'x00080090', 'x00200010', 'x00080050', 'x00200011', 'x00700084']) expect(ds.elements[t], t).toBeDefined();
    expect(ds.string('x00620001')).toBe('BINARY');
  });
});

describe('DICOM SEG references (a small built series with its own UIDs)', () => {
  const build = (series: string, study: string, frameOfReference: string, prefix: string) =>
    [0, 1, 2, 3].map((k) => ({
      name: `${prefix}-${k}.dcm`,
      bytes: toBuffer(makeDicom({ rows: 6, cols: 5, pixels: new Array(30).fill(0), position: [10, 20, 30 + 2.5 * k], pixelSpacing: [0.5, 0.7], seriesUid: series, sopInstanceUid: `${series}.${k + 1}`, studyUid: study, frameOfReferenceUid: frameOfReference, patientName: 'Doe^Jane', patientId: 'P-7' })),
    }));
  const files = build('1.2.826.0.1.3680043.2.1125.1.1', '1.2.826.0.1.3680043.2.1125.1', '1.2.826.0.1.3680043.2.1125.9', 'a');

  async function segOf(scanFiles: typeof files) {
    const scan = await readDicomSeries(scanFiles);
    const labels = new Uint8Array(5 * 6 * 4);
    labels[3 + 5 * (2 + 6 * 1)] = 2;
    labels[4 + 5 * (5 + 6 * 3)] = 7;
    const out = await writeDicomSeg({ image: scan, labelName: 'lab', labels, names: { 2: 'kidney_right', 7: 'Läsion ünknown' }, algorithm: { type: 'MANUAL' } });
    return { scan, labels, out };
  }

  it('copies the study, patient and Frame of Reference, references the series and each source instance, codes laterality as a modifier', async () => {
    const { out } = await segOf(files);
    const { ds } = natural(out.bytes);
    expect(ds.StudyInstanceUID).toBe('1.2.826.0.1.3680043.2.1125.1');
    expect(ds.SeriesInstanceUID).not.toBe('1.2.826.0.1.3680043.2.1125.1.1');
    expect(ds.FrameOfReferenceUID).toBe('1.2.826.0.1.3680043.2.1125.9');
    expect(JSON.stringify(ds.PatientName)).toContain('Doe^Jane');
    expect(ds.PatientID).toBe('P-7');
    const ref = seq(ds.ReferencedSeriesSequence)[0];
    expect(ref.SeriesInstanceUID).toBe('1.2.826.0.1.3680043.2.1125.1.1');
    const sources = seq(ds.PerFrameFunctionalGroupsSequence).map((g) => seq(seq(g.DerivationImageSequence)[0].SourceImageSequence)[0].ReferencedSOPInstanceUID);
    expect(sources).toEqual(['1.2.826.0.1.3680043.2.1125.1.1.2', '1.2.826.0.1.3680043.2.1125.1.1.4']);
    const kidney = seq(ds.SegmentSequence)[0];
    const type = seq(kidney.SegmentedPropertyTypeCodeSequence)[0];
    expect(type).toMatchObject({ CodeValue: '64033007', CodeMeaning: 'Kidney' });
    expect(seq(type.SegmentedPropertyTypeModifierCodeSequence)[0]).toMatchObject({ CodeValue: '24028007', CodeMeaning: 'Right' });
    expect(kidney.SegmentAlgorithmType).toBe('MANUAL');
    const blob = seq(ds.SegmentSequence)[1];
    expect(seq(blob.SegmentedPropertyTypeCodeSequence)[0]).toMatchObject({ CodeValue: '85756007', CodeMeaning: 'Tissue' });
    expect(out.warnings).toEqual([expect.stringContaining('Läsion ünknown (7)')]);
    // Written as UTF-8 (ISO_IR 192); dcmjs reads strings inside sequences as Latin-1, the workbench's reader undoes that.
    expect(blob.SegmentLabel).toBe('LÃ¤sion Ã¼nknown');
    expect(ds.SpecificCharacterSet).toBe('ISO_IR 192');
    expect((await parseDicomSeg(out.bytes, 'lab.seg.dcm')).segments.map((s) => s.label)).toEqual(['kidney_right', 'Läsion ünknown']);
    expect(out.warnings.join(' ')).toContain('generic "Tissue"');
  });

  it('refuses to attach a SEG to a scan it does not reference, with a sentence naming the file, what it references and what was found', async () => {
    const { out } = await segOf(files);
    const other = await readDicomSeries(build('1.2.826.0.1.3680043.2.1125.2.1', '1.2.826.0.1.3680043.2.1125.2', '1.2.826.0.1.3680043.2.1125.9', 'b'));
    other.name = 'other scan';
    const err = await readDicomSeg(out.bytes, 'lab.seg.dcm', other).catch((e: unknown) => e);
    expect(isWorkbenchError(err, 'seg-reference-mismatch')).toBe(true);
    const msg = (err as Error).message;
    expect(msg).toContain('lab.seg.dcm is a DICOM SEG of series 1.2.826.0.1.3680043.2.1125.1.1');
    expect(msg).toContain('does not match other scan');
    expect(msg).toContain('none of them are slices of other scan (series 1.2.826.0.1.3680043.2.1125.2.1)');
    expect(msg).toMatch(/load the DICOM series it was made from/);
  });

  it('refuses a SEG whose frames reference the right slices at the wrong positions', async () => {
    const { out } = await segOf(files);
    const moved = await readDicomSeries(files.map((f, k) => ({ name: f.name, bytes: toBuffer(makeDicom({ rows: 6, cols: 5, pixels: new Array(30).fill(0), position: [10, 20, 31 + 2.5 * k], pixelSpacing: [0.5, 0.7], seriesUid: '1.2.826.0.1.3680043.2.1125.1.1', sopInstanceUid: `1.2.826.0.1.3680043.2.1125.1.1.${k + 1}` })) })));
    const seg = await parseDicomSeg(out.bytes, 'lab.seg.dcm');
    const placed = placeFrames(seg, moved);
    expect('reason' in placed && placed.reason).toMatch(/^frame 1 references slice a-1\.dcm but lies at \(-?10\.00, -?20\.00, 32\.50\) mm, not at its \(10\.00, 20\.00, 33\.50\) mm$/);
  });

  it('places frames by position when they carry no source reference, and refuses a series it does not reference', async () => {
    const { scan, labels, out } = await segOf(files);
    const seg = await parseDicomSeg(out.bytes, 'lab.seg.dcm');
    for (const f of seg.frames) delete f.sourceSop;
    const placed = placeFrames(seg, scan);
    expect(placed).toEqual({ slices: [1, 3] });
    const other = { ...scan, name: 'copy', dicom: { ...scan.dicom!, seriesInstanceUid: '9.9.9' } };
    expect(placeFrames(seg, other)).toEqual({ reason: 'it references series 1.2.826.0.1.3680043.2.1125.1.1 but copy is series 9.9.9' });
    expect(labels[3 + 5 * (2 + 6 * 1)]).toBe(2);
    const finer = { ...scan, name: 'finer', dicom: { ...scan.dicom!, pixelSpacing: [0.25, 0.7] as [number, number] } };
    expect(placeFrames(seg, finer)).toEqual({ reason: 'its pixels are 0.5\\0.7 mm apart but those of finer are 0.25\\0.7 mm' });
  });
});

describe('DICOM SEG is not offered for scans that did not come from DICOM', () => {
  it('says why, and the writer refuses a NIfTI-sourced scan', async () => {
    const nifti = readNifti(repoFile('test-data/ct-abdomen-b/ct.nii.gz'), 'ct.nii.gz');
    expect(nifti.dicom).toBeUndefined();
    const why = dicomSegUnavailable({ name: 'liver.nii.gz', role: 'label', imageFromDicom: false, imageName: 'ct.nii.gz' });
    expect(why).toBe('DICOM SEG is not offered for liver.nii.gz: its scan ct.nii.gz was not loaded from DICOM, so there are no Study, Series, Frame of Reference and SOP Instance UIDs for a DICOM Segmentation to reference; load the scan\'s DICOM series and attach the label map to it, or export NIfTI.');
    expect(dicomSegUnavailable({ name: 'ct.nii.gz', role: 'image', imageFromDicom: false })).toMatch(/ct\.nii\.gz is an image/);
    expect(dicomSegUnavailable({ name: 'seg', role: 'label', imageFromDicom: true })).toBeUndefined();
    const err = await writeDicomSeg({ image: nifti, labelName: 'liver.nii.gz', labels: new Uint8Array(nifti.data.length), names: {}, algorithm: { type: 'MANUAL' } }).catch((e: unknown) => e);
    expect(isWorkbenchError(err, 'not-dicom')).toBe(true);
  });

  it('refuses an all-background map and a scan whose grid changed since loading', async () => {
    const series = await readDicomSeries(repoFolder(B_DICOM));
    const empty = await writeDicomSeg({ image: series, labelName: 'empty', labels: new Uint8Array(series.data.length), names: {}, algorithm: { type: 'MANUAL' } }).catch((e: unknown) => e);
    expect(isWorkbenchError(empty, 'bad-labels')).toBe(true);
    expect((empty as Error).message).toMatch(/^empty has no labelled voxel/);
    const shifted = { ...series, affine: Float64Array.from(series.affine, (x, i) => (i === 3 ? x + 1 : x)) };
    const moved = await writeDicomSeg({ image: shifted, labelName: 'seg', labels: Uint8Array.from({ length: series.data.length }, (_, i) => (i === 7 ? 1 : 0)), names: {}, algorithm: { type: 'MANUAL' } }).catch((e: unknown) => e);
    expect(isWorkbenchError(moved, 'not-dicom')).toBe(true);
    expect((moved as Error).message).toMatch(/is 1\.00 mm from where its DICOM slice .* puts it/);
  });
});
