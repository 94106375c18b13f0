import dcmjs from 'dcmjs';
import { describe, expect, it } from 'vitest';
import { readDicomSeg } from './dicom-seg-read';
import { writeDicomSeg } from './dicom-seg-write';
import { readDicomSeries } from './dicom-series';
import { makeDicom } from './testing/make-dicom';

/** The adapter dcmjs ships for Cornerstone (OHIF's exporter before Cornerstone3D); not part of the typed surface. */
interface CornerstoneSegAdapter {
  generateSegmentation(images: { imageId: string; data: { byteArray: { buffer: ArrayBuffer } } }[], labelmap3D: unknown, options?: Record<string, unknown>): Blob;
}

const SERIES = '1.2.826.0.1.3680043.2.1125.7.1';
const [NX, NY, NZ] = [5, 6, 4];
const slices = [0, 1, 2, 3].map((k) => {
  const b = makeDicom({ rows: NY, cols: NX, pixels: new Array(NX * NY).fill(k), position: [-4, 7, 30 + 2.5 * k], pixelSpacing: [0.5, 0.7], seriesUid: SERIES, sopInstanceUid: `${SERIES}.${k + 1}`, studyUid: '1.2.826.0.1.3680043.2.1125.7', frameOfReferenceUid: '1.2.826.0.1.3680043.2.1125.7.9' });
  return { name: `s${k}.dcm`, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
});

const segment = (label: string, code: string, meaning: string) => ({
  SegmentLabel: label,
  SegmentAlgorithmType: 'MANUAL',
  SegmentedPropertyCategoryCodeSequence: { CodeValue: '123037004', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Anatomical Structure' },
  SegmentedPropertyTypeCodeSequence: { CodeValue: code, CodingSchemeDesignator: 'SCT', CodeMeaning: meaning },
  RecommendedDisplayCIELabValue: [40000, 30000, 30000],
});

/**
 * A SEG made by dcmjs's Cornerstone adapter from the slices and a label map per slice (k). The adapter
 * stacks the slices as its normaliser sorts them (descending along the slice normal, here z), so its frame
 * i is slice 3 − i.
 */
async function cornerstoneSeg(perSlice: Uint8Array[], rleEncode: boolean): Promise<Uint8Array> {
  const adapter = (dcmjs as unknown as { adapters: { Cornerstone: { Segmentation: CornerstoneSegAdapter } } }).adapters.Cornerstone.Segmentation;
  const images = slices.map((s, k) => ({ imageId: `wadouri:s${k}`, data: { byteArray: { buffer: s.bytes } } }));
  const frames = [3, 2, 1, 0].map((k) => perSlice[k]);
  const labelmaps2D = frames.map((pixelData) => ({ pixelData, segmentsOnLabelmap: [...new Set(pixelData)] }));
  const blob = adapter.generateSegmentation(images, { labelmaps2D, metadata: [undefined, segment('liver', '10200004', 'Liver'), segment('spleen', '78961009', 'Spleen')] }, { includeSliceSpacing: true, rleEncode });
  return new Uint8Array(await blob.arrayBuffer());
}

describe('reading DICOM SEGs that another writer made (dcmjs\'s Cornerstone adapter, as OHIF exported them)', () => {
  const want = Array.from({ length: NZ }, () => new Uint8Array(NX * NY));
  want[0][7] = 1;
  want[1][0] = 1;
  want[1][29] = 2;
  want[3].fill(2, 10, 20);

  it.each([
    ['FRACTIONAL, RLE', true],
    ['BINARY, bit-packed', false],
  ])('%s: every voxel on its slice, segments named', async (_, rle) => {
    const scan = await readDicomSeries(slices);
    const bytes = await cornerstoneSeg(want, rle as boolean);
    const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(bytes.buffer as ArrayBuffer).dict);
    expect(ds.SegmentationType).toBe(rle ? 'FRACTIONAL' : 'BINARY');
    const { volume, labels, warnings } = await readDicomSeg(bytes, 'ohif.seg.dcm', scan);
    expect(labels).toEqual({ 1: 'liver', 2: 'spleen' });
    expect(warnings).toEqual([]);
    for (let k = 0; k < NZ; k++) expect(Array.from(volume.data.subarray(k * NX * NY, (k + 1) * NX * NY)), `slice ${k}`).toEqual(Array.from(want[k]));
  });
});

describe('FRACTIONAL probabilities and overlapping segments', () => {
  /** This workbench's SEG of two one-voxel organs in slice 1 (pixels 3 and 4), as dcmjs's naturalized data set. */
  async function twoOrgans() {
    const scan = await readDicomSeries(slices);
    const labels = new Uint8Array(NX * NY * NZ);
    labels[NX * NY + 3] = 1;
    labels[NX * NY + 4] = 2;
    const out = await writeDicomSeg({ image: scan, labelName: 'two', labels, names: { 1: 'liver', 2: 'spleen' }, algorithm: { type: 'MANUAL' } });
    const dict = dcmjs.data.DicomMessage.readFile(out.bytes.buffer.slice(out.bytes.byteOffset, out.bytes.byteOffset + out.bytes.byteLength) as ArrayBuffer);
    return { scan, ds: dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict) };
  }
  const encode = (ds: Record<string, unknown>) => new Uint8Array(dcmjs.data.datasetToDict({ ...ds, _meta: { TransferSyntaxUID: { Value: ['1.2.840.10008.1.2.1'], vr: 'UI' } } }).write());

  it('a FRACTIONAL (probability) SEG is in the segment above half the maximum', async () => {
    const { scan, ds } = await twoOrgans();
    const probs = new Uint8Array(2 * NX * NY);
    probs[3] = 200; // frame 1 (liver): pixel 3 at 200/255, pixel 9 at 100/255
    probs[9] = 100;
    probs[NX * NY + 4] = 128; // frame 2 (spleen): pixel 4 just above half
    const frac = encode({ ...ds, BitsAllocated: 8, BitsStored: 8, HighBit: 7, SegmentationType: 'FRACTIONAL', SegmentationFractionalType: 'PROBABILITY', MaximumFractionalValue: 255, PixelData: probs.buffer, _vrMap: { PixelData: 'OB' } });
    const { volume } = await readDicomSeg(frac, 'prob.seg.dcm', scan);
    const set = [...volume.data.entries()].filter(([, v]) => v !== 0);
    expect(set).toEqual([[NX * NY + 3, 1], [NX * NY + 4, 2]]);
  });

  it('overlapping segments: the later one is kept, and a warning counts the voxels', async () => {
    const { scan, ds } = await twoOrgans();
    const bits = new Uint8Array((ds.PixelData as ArrayBuffer[])[0]);
    const spleenPixel3 = NX * NY + 3; // frame 2, pixel 3: the liver's voxel
    bits[spleenPixel3 >> 3] |= 1 << (spleenPixel3 & 7);
    const { volume, warnings } = await readDicomSeg(encode({ ...ds, PixelData: bits.buffer }), 'overlap.seg.dcm', scan);
    expect(volume.data[NX * NY + 3]).toBe(2);
    expect(warnings).toEqual(['overlap.seg.dcm: segments overlap at 1 voxels; a label map holds one organ per voxel, so the later segment was kept there.']);
  });
});
