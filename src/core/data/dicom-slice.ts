/**
 * One DICOM file → the facts a series needs (geometry, pixel format, rescale) and its pixels.
 * Parsing by dicom-parser; pixel decoding for native (little/big endian, deflated), JPEG 2000
 * (and HTJ2K, through OpenJPEG) and RLE Lossless.
 */
import dicomParser, { type DataSet } from 'dicom-parser';
import { inflateSync } from 'fflate';
import { WorkbenchError } from '../errors';
import { decodeJpeg2000, decodeRle } from './dicom-codecs';
import { byteSwap, platformIsLittleEndian } from './nifti-types';
import { sniff } from './sniff';
import type { Vec3 } from './volume';

export interface DicomFile {
  name: string;
  bytes: ArrayBuffer | Uint8Array;
}

export interface DicomSlice {
  name: string;
  ds: DataSet;
  transferSyntax: string;
  seriesUid: string;
  /** SOPInstanceUID: the same image copied twice has the same one. */
  instanceUid: string;
  seriesDescription?: string;
  rows: number;
  cols: number;
  frames: number;
  /** ImagePositionPatient, LPS mm. */
  position: Vec3;
  /** ImageOrientationPatient: row direction (i), then column direction (j), LPS. */
  orientation: number[];
  /** PixelSpacing: [between rows (along j), between columns (along i)] mm. */
  pixelSpacing: [number, number];
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  samplesPerPixel: number;
  slope: number;
  inter: number;
}

export const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  deflatedLE: '1.2.840.10008.1.2.1.99',
  explicitBE: '1.2.840.10008.1.2.2',
  rle: '1.2.840.10008.1.2.5',
} as const;

const J2K = new Set(['1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91', '1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.202', '1.2.840.10008.1.2.4.203']);
const NATIVE = new Set<string>([TS.implicitLE, TS.explicitLE, TS.deflatedLE, TS.explicitBE]);

const UNSUPPORTED: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless (first-order prediction)',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
};

function badDicom(file: string, message: string, cause?: unknown): WorkbenchError {
  return new WorkbenchError('bad-dicom', `${file} ${message}`, { file, cause });
}

function inflater(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateSync(bytes.subarray(position));
  const full = new Uint8Array(position + inflated.length);
  full.set(bytes.subarray(0, position));
  full.set(inflated, position);
  return full;
}

function numbers(ds: DataSet, tag: string): number[] {
  const s = ds.string(tag);
  if (!s) return [];
  return s.split('\\').map((x) => Number(x.trim()));
}

/** Parses a DICOM file. Returns undefined for DICOM files without an image (DICOMDIR, reports). */
export function parseDicomFile(file: DicomFile): DicomSlice | undefined {
  const bytes = file.bytes instanceof Uint8Array ? file.bytes : new Uint8Array(file.bytes);
  const raw = sniff(bytes).rawDicom === true;
  let ds: DataSet;
  try {
    ds = dicomParser.parseDicom(bytes, { inflater, ...(raw ? { TransferSyntaxUID: TS.implicitLE } : {}) } as dicomParser.ParseDicomOptions);
  } catch (e) {
    throw badDicom(file.name, `could not be parsed as DICOM (${e instanceof Error ? e.message : String(e)}); the file may be damaged or not DICOM.`, e);
  }
  if (!ds.elements.x7fe00010) return undefined;
  return sliceFacts(file.name, ds);
}

function sliceFacts(name: string, ds: DataSet): DicomSlice {
  const position = numbers(ds, 'x00200032');
  const orientation = numbers(ds, 'x00200037');
  let spacing = numbers(ds, 'x00280030');
  if (spacing.length !== 2) spacing = numbers(ds, 'x00181164');
  if (position.length !== 3 || position.some((x) => !Number.isFinite(x))) {
    throw badDicom(name, `has no usable ImagePositionPatient (0020,0032) (found "${ds.string('x00200032') ?? 'nothing'}"); a 3-D series needs each slice's position.`);
  }
  if (orientation.length !== 6 || orientation.some((x) => !Number.isFinite(x))) {
    throw badDicom(name, `has no usable ImageOrientationPatient (0020,0037) (found "${ds.string('x00200037') ?? 'nothing'}").`);
  }
  const [r, c] = [orientation.slice(0, 3), orientation.slice(3, 6)];
  const norm = (v: number[]) => Math.hypot(v[0], v[1], v[2]);
  if (Math.abs(norm(r) - 1) > 0.01 || Math.abs(norm(c) - 1) > 0.01 || Math.abs(r[0] * c[0] + r[1] * c[1] + r[2] * c[2]) > 0.01) {
    throw badDicom(name, `has an ImageOrientationPatient (0020,0037) of "${ds.string('x00200037')}", which is not two perpendicular unit vectors (row and column directions); the file is damaged.`);
  }
  if (spacing.length !== 2 || spacing.some((x) => !(x > 0))) {
    throw badDicom(name, `has no usable PixelSpacing (0028,0030) (found "${ds.string('x00280030') ?? 'nothing'}").`);
  }
  const rows = ds.uint16('x00280010') ?? 0;
  const cols = ds.uint16('x00280011') ?? 0;
  if (!(rows >= 1 && cols >= 1)) {
    throw badDicom(name, `has an image of ${cols}×${rows} pixels (Columns (0028,0011) × Rows (0028,0010)); expected at least 1×1. The file is damaged.`);
  }
  const slope = ds.floatString('x00281053');
  const inter = ds.floatString('x00281052');
  const bitsAllocated = ds.uint16('x00280100') ?? 16;
  return {
    name,
    ds,
    transferSyntax: ds.string('x00020010') ?? TS.implicitLE,
    seriesUid: ds.string('x0020000e') ?? '',
    instanceUid: ds.string('x00080018') ?? '',
    seriesDescription: ds.string('x0008103e'),
    rows,
    cols,
    frames: ds.intString('x00280008') ?? 1,
    position: position as Vec3,
    orientation,
    pixelSpacing: [spacing[0], spacing[1]],
    bitsAllocated,
    bitsStored: ds.uint16('x00280101') ?? bitsAllocated,
    signed: (ds.uint16('x00280103') ?? 0) === 1,
    samplesPerPixel: ds.uint16('x00280002') ?? 1,
    slope: slope !== undefined && Number.isFinite(slope) && slope !== 0 ? slope : 1,
    inter: inter !== undefined && Number.isFinite(inter) ? inter : 0,
  };
}

/** Native pixel bytes as little-endian words. */
function nativeBytes(s: DicomSlice, count: number): Uint8Array {
  const el = s.ds.elements.x7fe00010;
  const bytesPer = s.bitsAllocated / 8;
  const need = count * bytesPer;
  if (el.length < need) throw badDicom(s.name, `is truncated: its pixel data has ${el.length} bytes, expected ${need} for ${s.cols}×${s.rows} pixels of ${s.bitsAllocated} bits.`);
  const bytes = s.ds.byteArray.slice(el.dataOffset, el.dataOffset + need) as Uint8Array;
  if (s.transferSyntax === TS.explicitBE) byteSwap(bytes, bytesPer);
  return bytes;
}

function frameBytes(s: DicomSlice): Uint8Array {
  const el = s.ds.elements.x7fe00010;
  if (!el.encapsulatedPixelData || !el.fragments?.length) throw badDicom(s.name, 'declares compressed pixel data but holds no encapsulated fragments.');
  return dicomParser.readEncapsulatedPixelDataFromFragments(s.ds, el, 0, el.fragments.length) as Uint8Array;
}

/** Pixel values of one single-frame slice, as numbers in row-major order (before rescale). */
export async function slicePixels(s: DicomSlice): Promise<ArrayLike<number>> {
  const count = s.rows * s.cols;
  const ts = s.transferSyntax;
  let bytes: Uint8Array;
  if (NATIVE.has(ts)) bytes = nativeBytes(s, count);
  else if (ts === TS.rle) {
    try {
      bytes = decodeRle(frameBytes(s), count, s.bitsAllocated / 8);
    } catch (e) {
      throw badDicom(s.name, `has RLE pixel data that could not be decoded (${(e as Error).message}).`, e);
    }
  } else if (J2K.has(ts)) {
    try {
      const f = await decodeJpeg2000(frameBytes(s));
      if (f.width !== s.cols || f.height !== s.rows || f.info.componentCount !== 1) {
        throw new Error(`decoded ${f.width}×${f.height}×${f.info.componentCount}, expected ${s.cols}×${s.rows}×1`);
      }
      return f.values;
    } catch (e) {
      if (e instanceof WorkbenchError) throw e;
      throw badDicom(s.name, `has JPEG 2000 pixel data that could not be decoded (${(e as Error).message}).`, e);
    }
  } else {
    const what = UNSUPPORTED[ts] ? `${UNSUPPORTED[ts]} (${ts})` : `transfer syntax ${ts}`;
    throw badDicom(s.name, `is compressed with ${what}, which the workbench cannot decode; expected uncompressed, JPEG 2000 or RLE. Convert the series to NIfTI (e.g. with dcm2niix) and load that.`);
  }
  return wordsFromBytes(bytes, s);
}

function wordsFromBytes(bytes: Uint8Array, s: DicomSlice): ArrayLike<number> {
  if (!platformIsLittleEndian()) byteSwap(bytes, s.bitsAllocated / 8);
  const b = bytes.buffer;
  const words =
    s.bitsAllocated === 8 ? (s.signed ? new Int8Array(b) : bytes)
    : s.bitsAllocated === 16 ? (s.signed ? new Int16Array(b) : new Uint16Array(b))
    : s.signed ? new Int32Array(b) : new Uint32Array(b);
  const unused = s.bitsAllocated - s.bitsStored;
  if (unused > 0 && unused < 32) {
    // Only the low BitsStored bits are the value: drop the rest, extending the sign if signed.
    const shift = 32 - s.bitsStored;
    for (let i = 0; i < words.length; i++) {
      words[i] = s.signed ? (words[i] << shift) >> shift : (words[i] << shift) >>> shift;
    }
  }
  return words;
}
