/**
 * MetaImage reader (ITK's MetaIO: `.mha` with the voxels after the header, `.mhd` with a `.raw` or
 * `.zraw` data file). A small parser of our own: the header is "Key = Value" lines, and npm has no
 * MetaImage reader that runs without fetching WebAssembly (itk-wasm does).
 *
 * Voxel (i, j, k) lands at `i + nx*(j + ny*k)` (the first axis varies fastest). World coordinates are
 * ITK's, LPS: `TransformMatrix` lists the unit vector of each voxel axis in turn (as ITK writes it),
 * scaled by `ElementSpacing`, and `Offset` is the first voxel's centre; x and y are negated into RAS.
 * `CompressedData = True` is a zlib stream (Adler-32 checked).
 */
import { WorkbenchError } from '../errors';
import { unzlibChecked } from './gzip';
import { affineFromAxes, baseName, checkAffine, checkPlausibleSpacing, readHeaderLines, scanDims, voxelsFromData } from './header-text';
import type { NiftiDatatype } from './nifti-types';
import { spacingFromAffine, type Vec3, type Volume } from './volume';
import { scalarType, type ScalarName } from './voxel-bytes';

export interface MetaImageHeader {
  /** Values by key, lower case ("ElementSpacing" → "elementspacing"). */
  fields: Map<string, string>;
  /** Byte offset just past the `ElementDataFile` line (where LOCAL data starts). */
  dataStart: number;
  /** `ElementDataFile`: "LOCAL", or the detached file's name. */
  dataFile: string;
}

export interface ReadMetaImageOptions {
  /** The detached data file (`ElementDataFile`), when it is not LOCAL. */
  data?: { name: string; bytes: Uint8Array };
  checkHeader?: (header: { name: string; dims: Vec3 }) => void;
}

const bad = (fileName: string, message: string) => new WorkbenchError('bad-metaimage', `${fileName} ${message}`, { file: fileName });

const KEY_LINE = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s?(.*)$/;
/** Keys that open a MetaIO header; at least one of the two that say "image" must be near the top. */
const IMAGE_KEYS = /^\s*(ObjectType\s*=\s*Image\b|NDims\s*=)/im;

/** True for bytes that start like a MetaImage header (text "Key = Value" lines with ObjectType = Image or NDims). */
export function isMetaImage(b: Uint8Array): boolean {
  const n = Math.min(b.length, 4096);
  let head = '';
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === 0) break;
    head += String.fromCharCode(c);
  }
  const first = head.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return KEY_LINE.test(first) && IMAGE_KEYS.test(head);
}

export function parseMetaImageHeader(bytes: Uint8Array, fileName: string): MetaImageHeader {
  const h = readHeaderLines(bytes, (line) => /^\s*ElementDataFile\s*=/i.test(line));
  const fields = new Map<string, string>();
  for (const line of h.lines) {
    if (line.trim() === '') continue;
    const m = KEY_LINE.exec(line);
    if (!m) {
      if (!h.complete) break;
      throw bad(fileName, `has a header line "${line.slice(0, 60)}" that is not "Key = Value"; expected a MetaImage header. The file is damaged.`);
    }
    fields.set(m[1].toLowerCase(), m[2].trim());
  }
  if (!h.complete) throw bad(fileName, 'has no ElementDataFile line; expected a MetaImage header that ends with "ElementDataFile = LOCAL" or the name of its data file. The file was probably cut short.');
  return { fields, dataStart: h.end, dataFile: fields.get('elementdatafile') ?? '' };
}

/** The detached data file an `.mhd` names ("ct.zraw"), or undefined when the voxels are LOCAL. */
export function metaImageDataFileName(bytes: Uint8Array, fileName: string): string | undefined {
  const f = parseMetaImageHeader(bytes, fileName).dataFile;
  return f && f.toUpperCase() !== 'LOCAL' && !/^LIST\b/i.test(f) && !f.includes('%') ? baseName(f) : undefined;
}

const TYPES: Record<string, ScalarName> = {
  met_char: 'int8', met_uchar: 'uint8', met_short: 'int16', met_ushort: 'uint16', met_int: 'int32', met_uint: 'uint32',
  // MetaIO's MET_LONG is 4 bytes; MET_LONG_LONG 8.
  met_long: 'int32', met_ulong: 'uint32', met_long_long: 'int64', met_ulong_long: 'uint64', met_float: 'float32', met_double: 'float64',
};

function numbers(f: Map<string, string>, key: string, n: number, fileName: string, name: string): number[] | undefined {
  const text = f.get(key);
  if (text === undefined) return undefined;
  const v = text.split(/\s+/).filter(Boolean).map(Number);
  if (v.length !== n || v.some((x) => !Number.isFinite(x))) throw bad(fileName, `has ${name} = ${text}; expected ${n} numbers.`);
  return v;
}

function scalarOf(f: Map<string, string>, fileName: string): NiftiDatatype {
  const type = f.get('elementtype');
  if (!type) throw bad(fileName, 'has no ElementType; expected one such as MET_SHORT or MET_FLOAT.');
  const name = TYPES[type.toLowerCase()];
  if (!name) throw bad(fileName, `stores voxels as ${type}; expected a scalar type (MET_CHAR, MET_UCHAR, MET_SHORT, MET_USHORT, MET_INT, MET_UINT, MET_LONG, MET_ULONG, MET_LONG_LONG, MET_ULONG_LONG, MET_FLOAT or MET_DOUBLE).`);
  const channels = Number(f.get('elementnumberofchannels') ?? 1);
  if (channels !== 1) throw new WorkbenchError('bad-dimensions', `${fileName} has ${channels} channels per voxel (ElementNumberOfChannels); the workbench needs one value per voxel.`, { file: fileName });
  return scalarType(name);
}

function unitScale(f: Map<string, string>, fileName: string, warnings: string[]): number {
  const u = (f.get('distanceunits') ?? 'mm').toLowerCase();
  const k = ({ mm: 1, cm: 10, um: 1e-3, m: 1000, unknown: 1 } as Record<string, number>)[u];
  if (k === undefined) {
    warnings.push(`${fileName} gives DistanceUnits = ${u}, which is not a length the workbench knows (mm, cm, um); mm was assumed.`);
    return 1;
  }
  if (k !== 1) warnings.push(`${fileName} gives DistanceUnits = ${u}; its geometry was converted to mm.`);
  return k;
}

function geometry(f: Map<string, string>, fileName: string, warnings: string[]) {
  const nd = Number(f.get('ndims'));
  if (!(Number.isInteger(nd) && nd >= 1 && nd <= 16)) throw bad(fileName, `has NDims = ${f.get('ndims') ?? '(missing)'}; expected the number of axes (3 for a scan).`);
  const sizes = numbers(f, 'dimsize', nd, fileName, 'DimSize');
  if (!sizes) throw bad(fileName, 'has no DimSize; expected one size per axis.');
  const dims = scanDims(sizes, fileName, 'bad-metaimage');
  const spacing = numbers(f, 'elementspacing', nd, fileName, 'ElementSpacing') ?? numbers(f, 'elementsize', nd, fileName, 'ElementSize');
  if (!spacing) warnings.push(`${fileName} has no ElementSpacing; 1 mm voxels were assumed.`);
  const originKey = ['offset', 'position', 'origin'].find((k) => f.has(k));
  const origin = originKey ? numbers(f, originKey, nd, fileName, originKey) : undefined;
  const matKey = ['transformmatrix', 'rotation', 'orientation'].find((k) => f.has(k));
  const mat = matKey ? numbers(f, matKey, nd * nd, fileName, 'TransformMatrix') : undefined;
  const k = unitScale(f, fileName, warnings);
  const axes = [0, 1, 2].map((a) => [0, 1, 2].map((r) => (mat ? mat[a * nd + r] : a === r ? 1 : 0) * (spacing?.[a] ?? 1) * k)) as [Vec3, Vec3, Vec3];
  const affine = affineFromAxes(axes, [0, 1, 2].map((r) => (origin?.[r] ?? 0) * k) as Vec3, 'LPS');
  checkAffine(affine, fileName, 'bad-metaimage', 'a TransformMatrix or ElementSpacing');
  return { dims, affine };
}

function payload(h: MetaImageHeader, bytes: Uint8Array, fileName: string, opts: ReadMetaImageOptions): { name: string; bytes: Uint8Array } {
  const f = h.fields;
  const file = h.dataFile;
  let src: { name: string; bytes: Uint8Array };
  if (file.toUpperCase() === 'LOCAL') src = { name: fileName, bytes: bytes.subarray(h.dataStart) };
  else if (/^LIST\b/i.test(file) || file.includes('%')) throw bad(fileName, `keeps its voxels in several files (ElementDataFile = ${file}); expected LOCAL or one data file. Resave it as one .mha.`);
  else if (!opts.data) throw bad(fileName, `is a detached header: its voxels are in "${file}", which was not among the files given. Open the header and its data file together (drop both).`);
  else src = opts.data;
  const skip = Number(f.get('headersize') ?? 0);
  if (skip > 0) src = { name: src.name, bytes: src.bytes.subarray(Math.min(skip, src.bytes.length)) };
  return src;
}

function isTrue(f: Map<string, string>, key: string): boolean {
  return /^(true|1)$/i.test(f.get(key) ?? '');
}

/**
 * Reads a MetaImage (`.mha`, or `.mhd` with its data file) into a `Volume`. Throws `WorkbenchError`:
 * bad-metaimage (naming the file, what was expected and what was found), bad-dimensions, truncated-gzip.
 */
export function readMetaImage(bytes: Uint8Array, fileName: string, opts: ReadMetaImageOptions = {}): Volume {
  const h = parseMetaImageHeader(bytes, fileName);
  const f = h.fields;
  const type = f.get('objecttype');
  if (type && type.toLowerCase() !== 'image') throw bad(fileName, `is a MetaIO ${type} object; expected ObjectType = Image.`);
  const warnings: string[] = [];
  const t = scalarOf(f, fileName);
  const { dims, affine } = geometry(f, fileName, warnings);
  opts.checkHeader?.({ name: fileName, dims });
  const src = payload(h, bytes, fileName, opts);
  const count = dims[0] * dims[1] * dims[2];
  const need = count * t.bytes;
  const skip = Number(f.get('headersize') ?? 0);
  let b = src.bytes;
  if (isTrue(f, 'compresseddata')) b = unzlibChecked(b, src.name, 'its compressed voxels');
  if (skip === -1) b = b.subarray(Math.max(0, b.length - need));
  const msb = isTrue(f, 'binarydatabyteordermsb') || isTrue(f, 'elementbyteordermsb');
  const text = f.has('binarydata') && !isTrue(f, 'binarydata');
  const data = voxelsFromData(b, t, count, { text, little: !msb, decompressed: isTrue(f, 'compresseddata'), name: src.name, fail: bad });
  const spacing = spacingFromAffine(affine);
  checkPlausibleSpacing(spacing, fileName, warnings);
  return { name: fileName, dims, spacing, affine, data, scale: { slope: 1, inter: 0 }, ...(warnings.length ? { warnings } : {}) };
}
