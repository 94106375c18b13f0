/**
 * Recognises file contents by their bytes (magic numbers, header sizes, a text header's first keys), never
 * by name alone, and describes unrecognised content in words for error messages.
 */
import { isMetaImage } from './metaimage-read';
import { isNrrd } from './nrrd-read';

/** 'nrrd': "NRRD000N" magic (.nrrd or a detached .nhdr); 'metaimage': a MetaIO text header (.mha or .mhd). */
export type ContentKind = 'gzip' | 'nifti1' | 'nifti2' | 'nifti-pair' | 'analyze' | 'dicom' | 'nrrd' | 'metaimage' | 'unknown';

export interface Sniffed {
  kind: ContentKind;
  /** For NIfTI: byte order of the header. */
  littleEndian?: boolean;
  /** For DICOM: true when the file has no 128-byte preamble and "DICM" (a raw data set). */
  rawDicom?: boolean;
}

export function toBytes(b: ArrayBuffer | Uint8Array): Uint8Array {
  return b instanceof Uint8Array ? b : new Uint8Array(b);
}

function ascii(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = at; i < at + n && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

function int32(b: Uint8Array, at: number, little: boolean): number {
  if (b.length < at + 4) return NaN;
  return new DataView(b.buffer, b.byteOffset + at, 4).getInt32(0, little);
}

export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

function sniffNifti(b: Uint8Array): Sniffed | undefined {
  for (const little of [true, false]) {
    const size = int32(b, 0, little);
    // A header cut short before its magic: still a NIfTI file (the reader reports the truncation).
    if (size === 348 && b.length < 348) return { kind: 'nifti1', littleEndian: little };
    if (size === 540 && b.length < 8) return { kind: 'nifti2', littleEndian: little };
    if (size === 348) {
      const magic = ascii(b, 344, 4);
      if (magic === 'n+1\0') return { kind: 'nifti1', littleEndian: little };
      if (magic === 'ni1\0') return { kind: 'nifti-pair', littleEndian: little };
      return { kind: 'analyze', littleEndian: little };
    }
    if (size === 540) {
      const magic = ascii(b, 4, 4);
      if (magic === 'n+2\0') return { kind: 'nifti2', littleEndian: little };
      if (magic === 'ni2\0') return { kind: 'nifti-pair', littleEndian: little };
    }
  }
  return undefined;
}

/** A DICOM data set without preamble starts with a group 0x0002 or 0x0008 tag (little endian). */
function looksLikeRawDicom(b: Uint8Array): boolean {
  if (b.length < 8) return false;
  const group = b[0] | (b[1] << 8);
  if (group !== 0x0002 && group !== 0x0008) return false;
  const vr = ascii(b, 4, 2);
  // Explicit VR (two capital letters) or implicit VR (a 32-bit length) both occur.
  return /^[A-Z]{2}$/.test(vr) || b[6] === 0 || b[7] === 0;
}

export function sniff(b: Uint8Array): Sniffed {
  if (isGzip(b)) return { kind: 'gzip' };
  if (b.length >= 132 && ascii(b, 128, 4) === 'DICM') return { kind: 'dicom' };
  const n = sniffNifti(b);
  if (n) return n;
  if (isNrrd(b)) return { kind: 'nrrd' };
  if (isMetaImage(b)) return { kind: 'metaimage' };
  if (looksLikeRawDicom(b)) return { kind: 'dicom', rawDicom: true };
  return { kind: 'unknown' };
}

const MAGICS: [string | number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  ['GIF8', 'a GIF image'],
  ['%PDF', 'a PDF document'],
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (unpack it and open the scan inside)'],
  [[0x49, 0x49, 0x2a, 0x00], 'a TIFF image'],
  [[0x4d, 0x4d, 0x00, 0x2a], 'a TIFF image'],
  ['BM', 'a BMP image'],
  [[0x1f, 0x8b], 'gzip-compressed data'],
  [[0x42, 0x5a, 0x68], 'a bzip2 archive'],
  [[0x37, 0x7a, 0xbc, 0xaf], 'a 7-Zip archive'],
];

function startsWith(b: Uint8Array, m: string | number[]): boolean {
  const bytes = typeof m === 'string' ? [...m].map((c) => c.charCodeAt(0)) : m;
  if (b.length < bytes.length) return false;
  return bytes.every((v, i) => b[i] === v);
}

function textPreview(b: Uint8Array): string | undefined {
  const n = Math.min(b.length, 512);
  let printable = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 0xc2) printable++;
    else if (c === 0) return undefined;
  }
  if (printable < 0.95 * n) return undefined;
  const text = new TextDecoder().decode(b.subarray(0, Math.min(b.length, 60)));
  const first = text.split(/\r?\n/)[0].trim();
  const head = first.length > 40 ? `${first.slice(0, 40)}…` : first;
  if (/^\s*<(!doctype|html)/i.test(text)) return `an HTML page ("${head}")`;
  if (/^\s*[{[]/.test(text)) return `JSON or other text ("${head}")`;
  return `a text file starting "${head}"`;
}

/** What the bytes look like, in words: "a PNG image", "a text file starting …", "an empty file". */
export function describeContent(b: Uint8Array): string {
  if (b.length === 0) return 'an empty file';
  const s = sniff(b);
  if (s.kind === 'dicom') return 'a DICOM file';
  if (s.kind === 'nifti1') return 'a NIfTI-1 file';
  if (s.kind === 'nifti2') return 'a NIfTI-2 file';
  if (s.kind === 'nifti-pair') return 'the header of a NIfTI .hdr/.img pair';
  if (s.kind === 'analyze') return 'an Analyze 7.5 header';
  if (s.kind === 'nrrd') return 'an NRRD file';
  if (s.kind === 'metaimage') return 'a MetaImage (.mha/.mhd) header';
  for (const [m, words] of MAGICS) if (startsWith(b, m)) return words;
  const text = textPreview(b);
  if (text) return text;
  const hex = [...b.subarray(0, 8)].map((v) => v.toString(16).padStart(2, '0')).join(' ');
  return `unrecognised binary data (${b.length} bytes, starting ${hex})`;
}
