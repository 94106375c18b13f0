/**
 * What a volume read from a DICOM series keeps of its source files: the UIDs and patient/study
 * attributes a derived object (a DICOM Segmentation) must copy or reference, and each slice's SOP
 * Instance and position in slice order (k = 0, 1, …). Pixels are not kept: they are in the volume.
 */
import type { DataSet } from 'dicom-parser';
import type { DicomSlice } from './dicom-slice';
import type { Vec3 } from './volume';

/** One source slice, in the volume's slice order. */
export interface DicomSourceSlice {
  /** SOP Instance UID (0008,0018), or the file meta's Media Storage SOP Instance UID (0002,0003) when the data set has none. */
  sopInstanceUid: string;
  /** SOP Class UID (0008,0016), or the file meta's (0002,0002). */
  sopClassUid: string;
  /** ImagePositionPatient, LPS mm. */
  position: Vec3;
  name: string;
}

/** Attributes copied into a derived object, by DICOM keyword (as dcmjs names them). Empty when the files had them empty. */
export type DicomAttributes = Partial<Record<(typeof COPIED)[number][0], string>>;

const COPIED = [
  ['PatientName', 'x00100010'],
  ['PatientID', 'x00100020'],
  ['PatientBirthDate', 'x00100030'],
  ['PatientSex', 'x00100040'],
  ['PatientAge', 'x00101010'],
  ['StudyDate', 'x00080020'],
  ['StudyTime', 'x00080030'],
  ['StudyID', 'x00200010'],
  ['StudyDescription', 'x00081030'],
  ['AccessionNumber', 'x00080050'],
  ['ReferringPhysicianName', 'x00080090'],
  ['PositionReferenceIndicator', 'x00201040'],
  ['Modality', 'x00080060'],
  ['SeriesNumber', 'x00200011'],
  ['SeriesDescription', 'x0008103e'],
  ['BodyPartExamined', 'x00180015'],
] as const;

export interface DicomSource {
  /** Study Instance UID (0020,000D); `derivedUids` says when the files had none and this one was derived. */
  studyInstanceUid: string;
  /** Series Instance UID (0020,000E), likewise. */
  seriesInstanceUid: string;
  /** Frame of Reference UID (0020,0052); empty when the files have none. */
  frameOfReferenceUid: string;
  /** Which of the two UIDs above the files lacked (anonymised data often blanks them) and were derived from the SOP Instance UIDs. */
  derivedUids: ('study' | 'series')[];
  rows: number;
  cols: number;
  /** ImageOrientationPatient: row direction, then column direction (LPS). */
  orientation: number[];
  /** PixelSpacing: [between rows, between columns] mm. */
  pixelSpacing: [number, number];
  /** SliceThickness (0018,0050) when given. */
  sliceThickness?: number;
  attributes: DicomAttributes;
  slices: DicomSourceSlice[];
}

/** A string attribute, decoded as UTF-8 when the file says ISO_IR 192 (dicom-parser reads bytes as Latin-1). */
function text(ds: DataSet, tag: string, utf8: boolean): string | undefined {
  const el = ds.elements[tag];
  if (!el) return undefined;
  if (!utf8) return ds.string(tag)?.trim();
  const bytes = ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length);
  return new TextDecoder('utf-8').decode(bytes).replace(/[\0 ]+$/, '').trim();
}

function uid(ds: DataSet, tag: string, metaTag: string): string {
  return (ds.string(tag) || ds.string(metaTag) || '').trim();
}

/**
 * A UID under the 2.25 root (an integer of 128 bits) derived from text: the same series always gets
 * the same one, so a segmentation exported from it and loaded again finds it.
 */
export function derivedUid(seed: string): string {
  let h1 = 0xcbf29ce484222325n;
  let h2 = 0x84222325cbf29ce4n;
  const mask = (1n << 64n) - 1n;
  for (let i = 0; i < seed.length; i++) {
    const c = BigInt(seed.charCodeAt(i));
    h1 = ((h1 ^ c) * 0x100000001b3n) & mask;
    h2 = ((h2 ^ (c + 0x9en)) * 0x100000001b3n) & mask;
  }
  return `2.25.${((h1 << 64n) | h2).toString()}`;
}

/** The source facts of a sorted series (slice k = `sorted[k]`). */
export function dicomSourceOf(sorted: DicomSlice[]): DicomSource {
  const f = sorted[0];
  const ds = f.ds;
  const utf8 = /ISO_IR 192/.test(ds.string('x00080005') ?? '');
  const slices = sorted.map((s) => ({
    sopInstanceUid: uid(s.ds, 'x00080018', 'x00020003'),
    sopClassUid: uid(s.ds, 'x00080016', 'x00020002'),
    position: [...s.position] as Vec3,
    name: s.name,
  }));
  const attributes: DicomAttributes = {};
  for (const [key, tag] of COPIED) {
    const v = text(ds, tag, utf8);
    if (v !== undefined) attributes[key] = v;
  }
  const derivedUids: DicomSource['derivedUids'] = [];
  const instances = slices.map((s) => s.sopInstanceUid).join('|');
  let studyInstanceUid = (ds.string('x0020000d') ?? '').trim();
  if (!studyInstanceUid) {
    studyInstanceUid = derivedUid(`study|${instances}`);
    derivedUids.push('study');
  }
  let seriesInstanceUid = f.seriesUid.trim();
  if (!seriesInstanceUid) {
    seriesInstanceUid = derivedUid(`series|${instances}`);
    derivedUids.push('series');
  }
  const thickness = ds.floatString('x00180050');
  return {
    studyInstanceUid,
    seriesInstanceUid,
    frameOfReferenceUid: (ds.string('x00200052') ?? '').trim(),
    derivedUids,
    rows: f.rows,
    cols: f.cols,
    orientation: [...f.orientation],
    pixelSpacing: [...f.pixelSpacing],
    ...(thickness !== undefined && thickness > 0 ? { sliceThickness: thickness } : {}),
    attributes,
    slices,
  };
}
