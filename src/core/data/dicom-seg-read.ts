/**
 * A DICOM Segmentation object (parsed by dcmjs) → a label map on the scan it references: segment
 * number n becomes label value n, named by its Segment Label. Frames are placed by their source slice
 * (Derivation Image Sequence > Source Image Sequence > Referenced SOP Instance UID) and checked against
 * their ImagePositionPatient; a frame without a source reference is placed by its position alone.
 * BINARY (1 bit, packed) and FRACTIONAL (8 bit, set where value > half the maximum) segmentations,
 * uncompressed, deflated or RLE, as OHIF, Slicer (dcmqi), highdicom and this workbench write them.
 */
import type { NaturalDataset } from 'dcmjs';
import { WorkbenchError } from '../errors';
import { dicomCharacterSet, SEG_SOP_CLASS } from './dicom-seg-check';
import type { DicomSource } from './dicom-source';
import type { Vec3, Volume } from './volume';

export interface SegFrame {
  segment: number;
  /** ImagePositionPatient (LPS mm), when the frame has one. */
  position?: Vec3;
  /** The source slice's SOP Instance UID, when the frame references one. */
  sourceSop?: string;
}

export interface ParsedSegment {
  number: number;
  label: string;
  /** Segmented Property Type code (value and meaning), when present. */
  type?: { value: string; meaning: string };
}

export interface ParsedDicomSeg {
  fileName: string;
  rows: number;
  cols: number;
  frameOfReferenceUid: string;
  /** Series Instance UIDs of the Referenced Series Sequence. */
  referencedSeries: string[];
  /** ImageOrientationPatient of the frames (shared, or the first frame's). */
  orientation?: number[];
  /** PixelSpacing of the frames (shared, or the first frame's): [between rows, between columns] mm. */
  pixelSpacing?: number[];
  segments: ParsedSegment[];
  frames: SegFrame[];
  /** Whether pixel p (row-major) of frame f is in the segment. */
  isSet(f: number, p: number): boolean;
}

type Item = NaturalDataset;

function badSeg(file: string, message: string, cause?: unknown): WorkbenchError {
  return new WorkbenchError('bad-dicom', `${file} ${message}`, { file, cause });
}

/** A sequence in naturalized form may be one object or an array of them. */
function items(x: unknown): Item[] {
  if (x === undefined || x === null) return [];
  return (Array.isArray(x) ? x : [x]) as Item[];
}

function first(x: unknown): Item | undefined {
  return items(x)[0];
}

function str(x: unknown): string {
  if (Array.isArray(x)) return x.length ? String(x[0]) : '';
  return x === undefined || x === null ? '' : String(x);
}

function numbers(x: unknown): number[] | undefined {
  if (!Array.isArray(x)) return undefined;
  const v = x.map(Number);
  return v.every(Number.isFinite) ? v : undefined;
}

/**
 * dcmjs decodes the strings inside sequences as Latin-1 whatever the Specific Character Set says; for a
 * UTF-8 (ISO_IR 192) file this turns a Segment Label "Läsion" into "LÃ¤sion". This undoes it.
 */
function utf8Again(s: string): string {
  const codes = Array.from(s, (c) => c.charCodeAt(0));
  if (!codes.some((c) => c >= 0x80) || codes.some((c) => c > 0xff)) return s;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(codes));
  } catch {
    return s;
  }
}

function parseSegments(ds: Item, utf8: boolean): ParsedSegment[] {
  return items(ds.SegmentSequence).map((s) => {
    const t = first(s.SegmentedPropertyTypeCodeSequence);
    const label = str(s.SegmentLabel).trim();
    return {
      number: Number(s.SegmentNumber),
      label: (utf8 ? utf8Again(label) : label) || `segment ${str(s.SegmentNumber)}`,
      ...(t ? { type: { value: str(t.CodeValue), meaning: str(t.CodeMeaning) } } : {}),
    };
  });
}

function parseFrames(ds: Item, shared: Item | undefined, n: number, file: string): SegFrame[] {
  const perFrame = items(ds.PerFrameFunctionalGroupsSequence);
  if (perFrame.length !== n) throw badSeg(file, `lists ${perFrame.length} per-frame functional groups for ${n} frames; the file is damaged.`);
  return perFrame.map((g, f) => {
    const id = first(g.SegmentIdentificationSequence) ?? first(shared?.SegmentIdentificationSequence);
    const segment = Number(id?.ReferencedSegmentNumber);
    if (!Number.isInteger(segment) || segment < 1) throw badSeg(file, `frame ${f + 1} names no segment (Segment Identification Sequence); the file is damaged.`);
    const pos = numbers(first(g.PlanePositionSequence)?.ImagePositionPatient);
    const source = first(first(g.DerivationImageSequence)?.SourceImageSequence);
    const sop = source ? str(source.ReferencedSOPInstanceUID).trim() : '';
    return { segment, ...(pos?.length === 3 ? { position: pos as Vec3 } : {}), ...(sop ? { sourceSop: sop } : {}) };
  });
}

type RleDecode = (frames: ArrayBuffer[]) => Uint8Array;

/**
 * A FRACTIONAL pixel is in the segment above half the maximum fractional value; but when the values are only
 * 0 and 1 (dcmjs's Cornerstone adapter, OHIF's former exporter, writes set pixels as 1 of 255), any non-zero is.
 */
function fractionalThreshold(bytes: Uint8Array, max: number): number {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 1) return max / 2;
  return 0;
}

const NATIVE_TS = ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2'];
const RLE_TS = '1.2.840.10008.1.2.5';

/** Pixel Data (7FE0,0010) → a reader of one pixel of one frame. */
function pixelReader(ds: Item, ts: string, n: number, decodeRle: RleDecode, file: string): (f: number, p: number) => boolean {
  const rows = Number(ds.Rows);
  const cols = Number(ds.Columns);
  const per = rows * cols;
  const px = items(ds.PixelData) as unknown as ArrayBuffer[];
  const type = str(ds.SegmentationType).toUpperCase();
  const bits = Number(ds.BitsAllocated);
  const threshold = (bytes: Uint8Array) => (type === 'FRACTIONAL' ? fractionalThreshold(bytes, Number(ds.MaximumFractionalValue) || 255) : 0);
  if (ts === RLE_TS) {
    if (px.length !== n) throw badSeg(file, `has ${px.length} RLE fragments for ${n} frames; expected one per frame.`);
    // RLE frames decode to one byte per pixel (dcmjs): 1 where set for BINARY, 0–max for FRACTIONAL.
    const bytes = decodeRle(px);
    const t = threshold(bytes);
    return (f, p) => bytes[f * per + p] > t;
  }
  if (!NATIVE_TS.includes(ts)) {
    throw badSeg(file, `holds its frames compressed with transfer syntax ${ts}; expected uncompressed, deflated or RLE pixel data. Save the segmentation uncompressed and load it again.`);
  }
  const bytes = new Uint8Array(px[0] ?? new ArrayBuffer(0));
  if (type === 'BINARY' && bits === 1) {
    if (bytes.length * 8 < n * per) throw badSeg(file, `has ${bytes.length} bytes of pixel data; ${n} frames of ${cols}×${rows} bits need ${Math.ceil((n * per) / 8)}. The file is truncated.`);
    // BINARY frames are packed one bit per pixel, least significant bit first, frame after frame without padding (PS3.5 8.1.1).
    return (f, p) => {
      const bit = f * per + p;
      return (bytes[bit >> 3] & (1 << (bit & 7))) !== 0;
    };
  }
  if (type === 'FRACTIONAL' && bits === 8) {
    if (bytes.length < n * per) throw badSeg(file, `has ${bytes.length} bytes of pixel data; ${n} frames of ${cols}×${rows} need ${n * per}. The file is truncated.`);
    const t = threshold(bytes);
    return (f, p) => bytes[f * per + p] > t;
  }
  throw badSeg(file, `is a ${type || 'untyped'} segmentation with ${bits} bits per pixel; expected BINARY with 1 bit or FRACTIONAL with 8 bits.`);
}

/**
 * Parses a DICOM SEG file. Throws `bad-dicom` naming the file when it is not a Segmentation object or
 * is damaged.
 */
export async function parseDicomSeg(bytes: ArrayBuffer | Uint8Array, fileName: string): Promise<ParsedDicomSeg> {
  const dcmjs = (await import('dcmjs')).default;
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const buffer = u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength) as ArrayBuffer;
  let ds: Item;
  let meta: Item;
  try {
    const dict = dcmjs.data.DicomMessage.readFile(buffer, { ignoreErrors: true });
    ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict);
    meta = dcmjs.data.DicomMetaDictionary.namifyDataset(dict.meta);
  } catch (e) {
    throw badSeg(fileName, `could not be parsed as DICOM (${e instanceof Error ? e.message : String(e)}); the file may be damaged.`, e);
  }
  const sop = str(ds.SOPClassUID) || str((meta.MediaStorageSOPClassUID as { Value?: string[] } | undefined)?.Value);
  if (sop !== SEG_SOP_CLASS) throw badSeg(fileName, `is not a DICOM Segmentation (SOP Class UID ${sop || 'missing'}; expected ${SEG_SOP_CLASS}).`);
  const rows = Number(ds.Rows);
  const cols = Number(ds.Columns);
  const n = Number(ds.NumberOfFrames ?? 1);
  if (!(rows > 0 && cols > 0 && n > 0)) throw badSeg(fileName, `has ${n} frames of ${cols}×${rows} pixels; expected at least one frame of at least 1×1.`);
  const shared = first(ds.SharedFunctionalGroupsSequence);
  const frames = parseFrames(ds, shared, n, fileName);
  const orientation = numbers(first(shared?.PlaneOrientationSequence)?.ImageOrientationPatient) ?? numbers(first(first(ds.PerFrameFunctionalGroupsSequence)?.PlaneOrientationSequence)?.ImageOrientationPatient);
  const spacing = numbers(first(shared?.PixelMeasuresSequence)?.PixelSpacing) ?? numbers(first(first(ds.PerFrameFunctionalGroupsSequence)?.PixelMeasuresSequence)?.PixelSpacing);
  const ts = str((meta.TransferSyntaxUID as { Value?: string[] } | undefined)?.Value);
  const isSet = pixelReader(ds, ts, n, (px) => dcmjs.utilities.compression.decode(px, rows, cols), fileName);
  return {
    fileName,
    rows,
    cols,
    frameOfReferenceUid: str(ds.FrameOfReferenceUID).trim(),
    referencedSeries: items(ds.ReferencedSeriesSequence).map((s) => str(s.SeriesInstanceUID).trim()).filter(Boolean),
    ...(orientation?.length === 6 ? { orientation } : {}),
    ...(spacing?.length === 2 ? { pixelSpacing: spacing } : {}),
    segments: parseSegments(ds, /ISO_IR 192/.test(dicomCharacterSet(u8))),
    frames,
    isSet,
  };
}

/** Slice k of the scan for each frame (by SOP Instance, else by position), or why the SEG does not fit the scan. */
export function placeFrames(seg: ParsedDicomSeg, image: Pick<Volume, 'name' | 'dims'> & { dicom?: DicomSource }): { slices: number[] } | { reason: string } {
  const src = image.dicom;
  if (!src) return { reason: `${image.name} was not loaded from DICOM, so it has no SOP Instance UIDs to match` };
  const sops = new Map(src.slices.map((s, k) => [s.sopInstanceUid, k]));
  const referenced = seg.frames.filter((f) => f.sourceSop);
  const matched = referenced.filter((f) => sops.has(f.sourceSop!));
  if (referenced.length > 0 && matched.length < referenced.length) {
    const series = seg.referencedSeries[0] ? ` of series ${seg.referencedSeries[0]}` : '';
    return { reason: `its frames reference ${new Set(referenced.map((f) => f.sourceSop)).size} SOP instances${series}, and ${matched.length === 0 ? 'none' : `only ${new Set(matched.map((f) => f.sourceSop)).size}`} of them ${matched.length === 1 ? 'is a slice' : 'are slices'} of ${image.name} (series ${src.seriesInstanceUid})` };
  }
  if (referenced.length === 0 && !seg.referencedSeries.includes(src.seriesInstanceUid)) {
    return { reason: `it references series ${seg.referencedSeries.join(', ') || '(none)'} but ${image.name} is series ${src.seriesInstanceUid}` };
  }
  if (seg.rows !== src.rows || seg.cols !== src.cols) return { reason: `its frames are ${seg.cols}×${seg.rows} but the slices of ${image.name} are ${src.cols}×${src.rows}` };
  if (seg.orientation && seg.orientation.some((x, a) => Math.abs(x - src.orientation[a]) > 1e-3)) {
    return { reason: `its frames are oriented ${seg.orientation.map((x) => +x.toFixed(4)).join('\\')} but the slices of ${image.name} are oriented ${src.orientation.map((x) => +x.toFixed(4)).join('\\')}` };
  }
  if (seg.pixelSpacing && seg.pixelSpacing.some((x, a) => Math.abs(x - src.pixelSpacing[a]) > 1e-3)) {
    return { reason: `its pixels are ${seg.pixelSpacing.join('\\')} mm apart but those of ${image.name} are ${src.pixelSpacing.join('\\')} mm` };
  }
  const slices: number[] = [];
  for (let f = 0; f < seg.frames.length; f++) {
    const fr = seg.frames[f];
    const k = fr.sourceSop !== undefined ? sops.get(fr.sourceSop)! : nearestSlice(fr.position, src);
    if (k === undefined || k < 0) return { reason: `frame ${f + 1} has no source slice and its position (${fr.position?.join(', ') ?? 'none'}) is not that of a slice of ${image.name}` };
    const at = src.slices[k].position;
    if (fr.position && Math.hypot(fr.position[0] - at[0], fr.position[1] - at[1], fr.position[2] - at[2]) > 0.05) {
      return { reason: `frame ${f + 1} references slice ${src.slices[k].name} but lies at (${fr.position.map((x) => x.toFixed(2)).join(', ')}) mm, not at its (${at.map((x) => x.toFixed(2)).join(', ')}) mm` };
    }
    slices.push(k);
  }
  return { slices };
}

function nearestSlice(p: Vec3 | undefined, src: DicomSource): number | undefined {
  if (!p) return undefined;
  const k = src.slices.findIndex((s) => Math.hypot(p[0] - s.position[0], p[1] - s.position[1], p[2] - s.position[2]) <= 0.05);
  return k < 0 ? undefined : k;
}

/**
 * Writes the SEG's segments into a label map on the scan's grid (label = segment number). Later
 * segments win where segments overlap (a label map holds one class per voxel); a warning counts those voxels.
 */
export function rasteriseDicomSeg(seg: ParsedDicomSeg, image: Volume, slices: number[]): { volume: Volume; labels: Record<number, string>; warnings: string[] } {
  const [nx, ny, nz] = image.dims;
  const per = nx * ny;
  const max = Math.max(0, ...seg.segments.map((s) => s.number), ...seg.frames.map((f) => f.segment));
  const data = max <= 255 ? new Uint8Array(per * nz) : new Uint16Array(per * nz);
  let overlap = 0;
  for (let f = 0; f < seg.frames.length; f++) {
    const base = slices[f] * per;
    const value = seg.frames[f].segment;
    for (let p = 0; p < per; p++) {
      if (!seg.isSet(f, p)) continue;
      if (data[base + p] !== 0 && data[base + p] !== value) overlap++;
      data[base + p] = value;
    }
  }
  const labels: Record<number, string> = {};
  for (const s of seg.segments) labels[s.number] = s.label;
  const warnings = overlap ? [`${seg.fileName}: segments overlap at ${overlap} voxels; a label map holds one organ per voxel, so the later segment was kept there.`] : [];
  const volume: Volume = {
    name: seg.fileName,
    dims: [nx, ny, nz],
    spacing: [...image.spacing],
    affine: Float64Array.from(image.affine),
    data,
    scale: { slope: 1, inter: 0 },
    intent: 'label',
    description: `DICOM SEG (${seg.segments.length} segments)`,
  };
  return { volume, labels, warnings };
}

/** A scan a SEG could be attached to, and why it does not fit (undefined when it does). */
export interface SegCandidate {
  name: string;
  reason: string;
}

/** The refusal when no candidate scan fits: file name, what the SEG references, what was found. */
export function segMismatchError(seg: ParsedDicomSeg, candidates: SegCandidate[]): WorkbenchError {
  const what = `${seg.fileName} is a DICOM SEG${seg.referencedSeries[0] ? ` of series ${seg.referencedSeries[0]}` : ''} (${seg.segments.length} segment${seg.segments.length === 1 ? '' : 's'}, ${seg.frames.length} frames)`;
  const todo = 'load the DICOM series it was made from, then the SEG';
  const message =
    candidates.length === 0 ? `${what}, a label map of a scan, but no scan is loaded to attach it to; ${todo}.`
    : candidates.length === 1 ? `${what}, but it does not match ${candidates[0].name}: ${candidates[0].reason}; ${todo}.`
    : `${what}, but it matches none of the loaded scans (${candidates.map((c) => `${c.name}: ${c.reason}`).join('; ')}); ${todo}.`;
  return new WorkbenchError('seg-reference-mismatch', message, { file: seg.fileName });
}

/** Parses a DICOM SEG and rasterises it on `image`; throws `seg-reference-mismatch` with the reason when it does not reference that scan. */
export async function readDicomSeg(bytes: ArrayBuffer | Uint8Array, fileName: string, image: Volume): Promise<{ volume: Volume; labels: Record<number, string>; warnings: string[] }> {
  const seg = await parseDicomSeg(bytes, fileName);
  const placed = placeFrames(seg, image);
  if ('reason' in placed) throw segMismatchError(seg, [{ name: image.name, reason: placed.reason }]);
  return rasteriseDicomSeg(seg, image, placed.slices);
}
