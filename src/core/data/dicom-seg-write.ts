/**
 * A label map on a DICOM-sourced scan → a DICOM Segmentation object (Segmentation Storage, BINARY,
 * explicit VR little endian), encoded by dcmjs (`derivations.Segmentation`, `data.datasetToDict`).
 * One segment per organ present, in ascending label order (segment numbers 1, 2, … in that order),
 * with SNOMED CT category/type codes and a recommended display colour in DICOM CIELab; one frame per
 * slice that holds the organ, each referencing its source slice's SOP Instance (Derivation Image
 * Sequence > Source Image Sequence) and carrying its ImagePositionPatient.
 * The SEG belongs to the source study (Study Instance UID, patient and study attributes copied), shares
 * its Frame of Reference, and lists the source series in the Referenced Series Sequence.
 */
import type { NaturalDataset, SegmentMetadata } from 'dcmjs';
import { WorkbenchError } from '../errors';
import { applyAffine } from './affine';
import type { DicomSource } from './dicom-source';
import { derivedUid } from './dicom-source';
import { defaultLabelColor, type RGB } from './labels';
import { segmentCodes, type SegmentCodes } from './segment-codes';
import type { Volume } from './volume';

export type SegmentAlgorithmType = 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';

export interface WriteDicomSegParams {
  /** The scan, read from a DICOM series (`image.dicom` present) and on the grid it was read on. */
  image: Pick<Volume, 'name' | 'dims' | 'affine' | 'dicom'>;
  /** The label map's name, for messages and the series description. */
  labelName: string;
  /** Class number per voxel on the image's grid: `labels[i + nx * (j + ny * k)]`. */
  labels: Uint8Array | Uint16Array | Int16Array | Int32Array | Uint32Array;
  /** Label value → organ name; a value present in the voxels but not named here is "label N". */
  names: Record<number, string>;
  /** How the segments were made (DICOM Segment Algorithm Type) and by what. */
  algorithm: { type: SegmentAlgorithmType; name?: string };
  /** Display colour of a label (0–255); default: the viewer's palette (`defaultLabelColor`). */
  color?: (label: number) => RGB;
  /** Software version written as SoftwareVersions. */
  softwareVersion?: string;
}

export interface WrittenSegment {
  /** DICOM Segment Number (1, 2, …). */
  number: number;
  /** The label value in the map. */
  label: number;
  name: string;
  codes: SegmentCodes;
  frames: number;
}

export interface DicomSegOutput {
  bytes: Uint8Array;
  segments: WrittenSegment[];
  /** What the user should know about the file (names without a code, UIDs the source lacked), one sentence each. */
  warnings: string[];
}

/** The most unpacked frame bytes dcmjs is asked to hold before packing (it packs after all segments are added). */
const MAX_UNPACKED_BYTES = 1.5e9;

const EXPLICIT_LE = '1.2.840.10008.1.2.1';

function notDicom(message: string, file: string): WorkbenchError {
  return new WorkbenchError('not-dicom', message, { file });
}

/** Throws unless the scan's grid is the one its DICOM slices describe (same size, same voxel positions within 0.01 mm). */
function checkSourceGrid(image: WriteDicomSegParams['image'], src: DicomSource, labelName: string): void {
  const [nx, ny, nz] = image.dims;
  if (nx !== src.cols || ny !== src.rows || nz !== src.slices.length) {
    throw notDicom(`${labelName} cannot be written as DICOM SEG: its scan ${image.name} is ${nx}×${ny}×${nz} but its DICOM series has ${src.slices.length} slices of ${src.cols}×${src.rows}; the scan was changed after loading.`, labelName);
  }
  const row = src.orientation.slice(0, 3);
  const col = src.orientation.slice(3, 6);
  const [dRow, dCol] = src.pixelSpacing;
  for (const [i, j, k] of [[0, 0, 0], [nx - 1, ny - 1, nz - 1], [nx - 1, 0, nz - 1]]) {
    const p = src.slices[k].position;
    const lps = [0, 1, 2].map((a) => p[a] + i * dCol * row[a] + j * dRow * col[a]);
    const ras = applyAffine(image.affine, i, j, k);
    const off = Math.hypot(ras[0] + lps[0], ras[1] + lps[1], ras[2] - lps[2]);
    if (off > 0.01) {
      throw notDicom(`${labelName} cannot be written as DICOM SEG: voxel (${i}, ${j}, ${k}) of ${image.name} is ${off.toFixed(2)} mm from where its DICOM slice ${src.slices[k].name} puts it; the scan was reoriented or resampled after loading.`, labelName);
    }
  }
}

/** Slices (k) that hold each label value, labels ascending. */
function framesPerLabel(labels: WriteDicomSegParams['labels'], per: number, nz: number): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let k = 0; k < nz; k++) {
    const seen = new Set<number>();
    const base = k * per;
    for (let i = 0; i < per; i++) {
      const v = labels[base + i];
      if (v !== 0) seen.add(v);
    }
    for (const v of seen) {
      const list = out.get(v);
      if (list) list.push(k);
      else out.set(v, [k]);
    }
  }
  return new Map([...out.entries()].sort((a, b) => a[0] - b[0]));
}

function code(c: { value: string; scheme: string; meaning: string }) {
  return { CodeValue: c.value, CodingSchemeDesignator: c.scheme, CodeMeaning: c.meaning };
}

function dicomLab(rgb: RGB, toLab: (rgb: number[]) => number[]): number[] {
  return toLab(rgb.map((x) => x / 255)).map((x) => Math.max(0, Math.min(65535, Math.round(x))));
}

/** The source series as one multi-frame "image" in dcmjs's naturalized form: what `derivations.Segmentation` derives from. */
function referenceDataset(src: DicomSource, frameOfReferenceUid: string): NaturalDataset {
  const a = src.attributes;
  const spacing = src.slices.length > 1 ? sliceSpacing(src) : src.sliceThickness ?? 1;
  return {
    _meta: { TransferSyntaxUID: { Value: [EXPLICIT_LE], vr: 'UI' } },
    _vrMap: { PixelData: 'OB' },
    SOPClassUID: src.slices[0].sopClassUid,
    SOPInstanceUID: src.slices[0].sopInstanceUid,
    StudyInstanceUID: src.studyInstanceUid,
    SeriesInstanceUID: src.seriesInstanceUid,
    FrameOfReferenceUID: frameOfReferenceUid,
    PositionReferenceIndicator: a.PositionReferenceIndicator ?? '',
    PatientName: a.PatientName ?? '',
    PatientID: a.PatientID ?? '',
    PatientBirthDate: a.PatientBirthDate ?? '',
    PatientSex: a.PatientSex ?? '',
    ...(a.PatientAge ? { PatientAge: a.PatientAge } : {}),
    StudyDate: a.StudyDate ?? '',
    StudyTime: a.StudyTime ?? '',
    StudyID: a.StudyID ?? '',
    AccessionNumber: a.AccessionNumber ?? '',
    ReferringPhysicianName: a.ReferringPhysicianName ?? '',
    ...(a.StudyDescription ? { StudyDescription: a.StudyDescription } : {}),
    Rows: src.rows,
    Columns: src.cols,
    NumberOfFrames: src.slices.length,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    BitsStored: 1,
    HighBit: 0,
    PixelData: new ArrayBuffer(0),
    SharedFunctionalGroupsSequence: {
      PlaneOrientationSequence: { ImageOrientationPatient: src.orientation },
      PixelMeasuresSequence: { PixelSpacing: src.pixelSpacing, SliceThickness: src.sliceThickness ?? spacing, SpacingBetweenSlices: spacing },
    },
    PerFrameFunctionalGroupsSequence: src.slices.map((s) => ({ PlanePositionSequence: { ImagePositionPatient: s.position } })),
    ReferencedSeriesSequence: {
      SeriesInstanceUID: src.seriesInstanceUid,
      ReferencedInstanceSequence: src.slices.map((s) => ({ ReferencedSOPClassUID: s.sopClassUid, ReferencedSOPInstanceUID: s.sopInstanceUid })),
    },
  };
}

function sliceSpacing(src: DicomSource): number {
  const a = src.slices[0].position;
  const b = src.slices[src.slices.length - 1].position;
  const d = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]) / (src.slices.length - 1);
  return Number(d.toFixed(6));
}

function segmentMetadata(label: number, name: string, codes: SegmentCodes, p: WriteDicomSegParams, toLab: (rgb: number[]) => number[]): SegmentMetadata {
  const type = { ...code(codes.type), ...(codes.modifier ? { SegmentedPropertyTypeModifierCodeSequence: code(codes.modifier) } : {}) };
  const rgb = p.color?.(label) ?? defaultLabelColor(label);
  return {
    SegmentLabel: name.slice(0, 64),
    SegmentDescription: `${name} (label ${label} of ${p.labelName})`.slice(0, 64),
    SegmentAlgorithmType: p.algorithm.type,
    ...(p.algorithm.type !== 'MANUAL' ? { SegmentAlgorithmName: (p.algorithm.name ?? 'CT Segmentation Workbench').slice(0, 64) } : {}),
    SegmentedPropertyCategoryCodeSequence: code(codes.category),
    SegmentedPropertyTypeCodeSequence: type,
    RecommendedDisplayCIELabValue: dicomLab(rgb, toLab),
  };
}

/** The source UIDs the SEG could not copy (the files lacked them), and a Frame of Reference to use. */
function uidWarnings(src: DicomSource, image: string): { frameOfReferenceUid: string; warnings: string[] } {
  const warnings: string[] = [];
  const lacking: string[] = src.derivedUids.map((u) => (u === 'study' ? 'Study Instance UID' : 'Series Instance UID'));
  let frameOfReferenceUid = src.frameOfReferenceUid;
  if (!frameOfReferenceUid) {
    frameOfReferenceUid = derivedUid(`frame-of-reference|${src.slices.map((s) => s.sopInstanceUid).join('|')}`);
    lacking.push('Frame of Reference UID');
  }
  if (lacking.length) {
    warnings.push(`The DICOM files of ${image} have no ${lacking.join(', ')} (anonymised data often blanks them), so the SEG carries one derived from the slices' SOP Instance UIDs; it still references every slice by its SOP Instance UID, which is how the workbench matches it again, but a PACS may not file it with the scan.`);
  }
  return { frameOfReferenceUid, warnings };
}

/**
 * Encodes the label map as a DICOM SEG. Throws `not-dicom` when the scan has no DICOM source (or its grid
 * changed since), `bad-labels` when the map holds no labelled voxel or is too large to encode in memory.
 */
export async function writeDicomSeg(p: WriteDicomSegParams): Promise<DicomSegOutput> {
  const src = p.image.dicom;
  if (!src) throw notDicom(`${p.labelName} cannot be written as DICOM SEG: its scan ${p.image.name} was not loaded from DICOM, so there are no UIDs to reference.`, p.labelName);
  checkSourceGrid(p.image, src, p.labelName);
  const [nx, ny, nz] = p.image.dims;
  const per = nx * ny;
  if (p.labels.length !== per * nz) throw new WorkbenchError('label-grid-mismatch', `${p.labelName} holds ${p.labels.length} voxels but its scan ${p.image.name} has ${per * nz}; a label map must match its image.`, { file: p.labelName });
  const frames = framesPerLabel(p.labels, per, nz);
  const total = [...frames.values()].reduce((s, f) => s + f.length, 0);
  if (total === 0) throw new WorkbenchError('bad-labels', `${p.labelName} has no labelled voxel (every voxel is 0), so a DICOM SEG of it would hold no segment; draw or segment something first.`, { file: p.labelName });
  if (total * per > MAX_UNPACKED_BYTES) {
    throw new WorkbenchError('too-large', `${p.labelName} needs ${total} DICOM SEG frames of ${nx}×${ny} (${frames.size} organs), ${(total * per / 1e9).toFixed(1)} GB before packing, more than the ${MAX_UNPACKED_BYTES / 1e9} GB the encoder may hold; export fewer organs or NIfTI.`, { file: p.labelName });
  }
  const dcmjs = (await import('dcmjs')).default;
  const { frameOfReferenceUid, warnings } = uidWarnings(src, p.image.name);
  const seg = new dcmjs.derivations.Segmentation([referenceDataset(src, frameOfReferenceUid)], {
    includeSliceSpacing: true,
    Manufacturer: 'CT Segmentation Workbench',
    ManufacturerModelName: 'CT Segmentation Workbench',
    SoftwareVersions: p.softwareVersion ?? '0.1.0',
    DeviceSerialNumber: '1',
    SeriesDescription: `Segmentation: ${p.labelName}`.slice(0, 64),
    SeriesNumber: '901',
    ContentLabel: 'SEGMENTATION',
    ContentDescription: `${p.labelName} on ${p.image.name}`.slice(0, 64),
    ContentCreatorName: '',
  });
  seg.setNumberOfFrames(total);
  const slice = (k: number) => p.labels.subarray(k * per, (k + 1) * per);
  const segments: WrittenSegment[] = [];
  const unknown: string[] = [];
  for (const [label, ks] of frames) {
    const name = p.names[label] ?? `label ${label}`;
    const codes = segmentCodes(name);
    if (!codes.known) unknown.push(`${name} (${label})`);
    seg.addSegmentFromLabelmap(segmentMetadata(label, name, codes, p, dcmjs.data.Colors.rgb2DICOMLAB), ks.map(slice), label, ks.map((k) => k + 1));
    segments.push({ number: segments.length + 1, label, name, codes, frames: ks.length });
  }
  seg.bitPackPixelData();
  seg.dataset.SpecificCharacterSet = 'ISO_IR 192';
  if (unknown.length) {
    warnings.push(`${unknown.length} organ name${unknown.length === 1 ? ' has' : 's have'} no SNOMED CT code in the workbench's table and ${unknown.length === 1 ? 'is' : 'are'} coded as the generic "Tissue" (SCT 85756007): ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}.`);
  }
  const bytes = new Uint8Array(dcmjs.data.datasetToDict(seg.dataset).write());
  return { bytes, segments, warnings };
}
