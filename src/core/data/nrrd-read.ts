/**
 * NRRD reader (teem's format, NRRD0001–NRRD0005: 3D Slicer's `.nrrd`, and `.nhdr` with a detached data
 * file). A small parser of our own: the header is a few lines of text, and the npm packages for it
 * (nrrd-js 0.2.1) read neither gzip nor detached data and warn instead of failing.
 *
 * Voxel (i, j, k) lands at `i + nx*(j + ny*k)` (NRRD's first axis varies fastest, as in NIfTI), values as
 * stored. The affine is voxel → RAS mm: `space directions` are the voxel axes and `space origin` the first
 * voxel's centre, both in the frame `space` names (left-posterior-superior: x and y flipped into RAS).
 * Encodings raw, gzip and text; bzip2 and hex are refused with a sentence.
 */
import { WorkbenchError } from '../errors';
import { identity4, type Mat4 } from './affine';
import { gunzipChecked } from './gzip';
import { affineFromAxes, baseName, checkAffine, checkPlausibleSpacing, readHeaderLines, scanDims, skipLines, voxelsFromData, type WorldFrame } from './header-text';
import type { NiftiDatatype } from './nifti-types';
import { spacingFromAffine, type Vec3, type Volume } from './volume';
import { scalarType, type ScalarName } from './voxel-bytes';

export interface NrrdHeader {
  /** Format version N of "NRRD000N". */
  version: number;
  /** Fields by name, lower case without spaces ("space directions" → "spacedirections"). */
  fields: Map<string, string>;
  /** Where attached data starts (after the blank line); undefined when the header ends with the file. */
  dataStart?: number;
  /** The detached data file's name as written (`data file:`), if any. */
  dataFile?: string;
}

export interface ReadNrrdOptions {
  /** The detached data file (`data file:` in the header), when there is one. */
  data?: { name: string; bytes: Uint8Array };
  checkHeader?: (header: { name: string; dims: Vec3 }) => void;
}

const bad = (fileName: string, message: string) => new WorkbenchError('bad-nrrd', `${fileName} ${message}`, { file: fileName });

export function isNrrd(b: Uint8Array): boolean {
  return b.length >= 8 && String.fromCharCode(...b.subarray(0, 7)) === 'NRRD000' && b[7] >= 0x31 && b[7] <= 0x39;
}

/** The header's fields, and where its data is. Throws `bad-nrrd` for a file that is not NRRD. */
export function parseNrrdHeader(bytes: Uint8Array, fileName: string): NrrdHeader {
  if (!isNrrd(bytes)) throw bad(fileName, 'is not an NRRD file: expected the magic "NRRD0001" to "NRRD0005" on its first line.');
  const h = readHeaderLines(bytes, (line) => line.trim() === '');
  const version = Number(h.lines[0].slice(7, 8));
  const fields = new Map<string, string>();
  for (const line of h.lines.slice(1)) {
    if (line.startsWith('#') || line.trim() === '' || line.includes(':=')) continue;
    const colon = line.indexOf(': ');
    if (colon < 0) {
      // teem writes "LIST" data files one per line after "data file: LIST"; that form is refused below.
      if (fields.get('datafile')?.startsWith('LIST')) break;
      throw bad(fileName, `has a header line "${line.slice(0, 60)}" that is neither "field: value", "key:=value" nor a # comment; expected an NRRD header. The file is damaged.`);
    }
    fields.set(line.slice(0, colon).toLowerCase().replace(/\s+/g, ''), line.slice(colon + 2).trim());
  }
  const dataFile = fields.get('datafile');
  return { version, fields, ...(h.complete ? { dataStart: h.end } : {}), ...(dataFile ? { dataFile } : {}) };
}

/** The detached data file a header names ("ct.raw.gz" for `data file: ct.raw.gz`), or undefined. */
export function nrrdDataFileName(bytes: Uint8Array, fileName: string): string | undefined {
  const f = parseNrrdHeader(bytes, fileName).dataFile;
  return f && !/^LIST\b/.test(f) && !/%/.test(f) ? baseName(f) : undefined;
}

const TYPES: [RegExp, ScalarName][] = [
  [/^(signed char|int8|int8_t)$/, 'int8'],
  [/^(uchar|unsigned char|uint8|uint8_t)$/, 'uint8'],
  [/^(short|short int|signed short|signed short int|int16|int16_t)$/, 'int16'],
  [/^(ushort|unsigned short|unsigned short int|uint16|uint16_t)$/, 'uint16'],
  [/^(int|signed int|int32|int32_t)$/, 'int32'],
  [/^(uint|unsigned int|uint32|uint32_t)$/, 'uint32'],
  [/^(longlong|long long|long long int|signed long long|signed long long int|int64|int64_t)$/, 'int64'],
  [/^(ulonglong|unsigned long long|unsigned long long int|uint64|uint64_t)$/, 'uint64'],
  [/^float$/, 'float32'],
  [/^double$/, 'float64'],
];

function scalarOf(f: Map<string, string>, fileName: string): NiftiDatatype {
  const type = f.get('type');
  if (!type) throw bad(fileName, 'has no "type" field; expected one such as "short" or "float".');
  const hit = TYPES.find(([re]) => re.test(type.toLowerCase()));
  if (!hit) throw bad(fileName, `stores voxels as "${type}"; expected a scalar type (int8, uint8, int16, uint16, int32, uint32, int64, uint64, float or double).`);
  return scalarType(hit[1]);
}

/** "(1,0,0) none (0,2.5,0)" → vectors and nulls. */
function parseVectors(text: string, fileName: string, field: string): (number[] | null)[] {
  const out: (number[] | null)[] = [];
  const re = /\(([^)]*)\)|(none)|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[2]) out.push(null);
    else if (m[1] !== undefined) out.push(m[1].split(',').map((x) => Number(x.trim())));
    else throw bad(fileName, `has "${field}: ${text.slice(0, 80)}"; expected vectors written "(x,y,z)" or "none".`);
  }
  return out;
}

const FRAMES: Record<string, WorldFrame> = {
  'right-anterior-superior': 'RAS', ras: 'RAS',
  'left-anterior-superior': 'LAS', las: 'LAS',
  'left-posterior-superior': 'LPS', lps: 'LPS',
  // DICOM's patient coordinates, which scanners report: LPS.
  'scanner-xyz': 'LPS',
};

function frameOf(space: string, fileName: string, warnings: string[]): WorldFrame {
  const s = space.toLowerCase();
  if (FRAMES[s]) return FRAMES[s];
  if (/-time$/.test(s)) throw bad(fileName, `has space "${space}", a 4-D space with time; expected a 3-D space such as left-posterior-superior.`);
  if (s === '3d-right-handed' || s === '3d-left-handed') {
    warnings.push(`${fileName} has space "${space}", which says nothing about the patient's axes; it was taken as left-posterior-superior (DICOM's and 3D Slicer's frame), so left/right may be wrong.`);
    return 'LPS';
  }
  throw bad(fileName, `has space "${space}"; expected right-anterior-superior, left-anterior-superior, left-posterior-superior or scanner-xyz.`);
}

const UNIT_MM: Record<string, number> = { mm: 1, m: 1000, cm: 10, um: 1e-3, 'µm': 1e-3, microns: 1e-3 };

function unitScale(f: Map<string, string>, fileName: string, warnings: string[]): number {
  const units = f.get('spaceunits');
  if (!units) return 1;
  const list = [...units.matchAll(/"([^"]*)"/g)].map((m) => m[1].trim().toLowerCase());
  const u = list.find((x) => x !== '') ?? 'mm';
  if (list.some((x) => x !== '' && x !== u)) throw bad(fileName, `has space units ${units}; expected one unit for all three axes.`);
  const k = UNIT_MM[u];
  if (k === undefined) {
    warnings.push(`${fileName} gives its space units as "${u}", which is not a length the workbench knows (mm, cm, m, um); mm was assumed.`);
    return 1;
  }
  if (k !== 1) warnings.push(`${fileName} gives its space units as ${u}; its geometry was converted to mm.`);
  return k;
}

/** Axes, dims and affine when the header has `space` (or `space dimension`) and `space directions`. */
function spaceGeometry(f: Map<string, string>, sizes: number[], fileName: string, warnings: string[]): { dims: Vec3; affine: Mat4 } {
  const frame = f.has('space') ? frameOf(f.get('space')!, fileName, warnings) : undefined;
  if (!frame) {
    warnings.push(`${fileName} has a space dimension but no named space, so the patient's axes are unknown; it was taken as left-posterior-superior (DICOM's and 3D Slicer's frame), so left/right may be wrong.`);
  }
  const dirText = f.get('spacedirections');
  if (!dirText) throw bad(fileName, 'names a space but has no "space directions"; expected one vector (or "none") per axis.');
  const dirs = parseVectors(dirText, fileName, 'space directions');
  if (dirs.length !== sizes.length) throw bad(fileName, `has ${dirs.length} space directions for ${sizes.length} axes (sizes ${sizes.join(' ')}); expected one per axis.`);
  const spatial = dirs.map((d, a) => (d ? a : -1)).filter((a) => a >= 0);
  if (spatial.length !== 3) throw bad(fileName, `has ${spatial.length} spatial axes (space directions ${dirText}); expected 3.`);
  for (let a = 0; a < sizes.length; a++) {
    if (!dirs[a] && sizes[a] > 1) {
      throw new WorkbenchError('bad-dimensions', `${fileName} has a non-spatial axis of size ${sizes[a]} (axis ${a + 1}: several values per voxel, e.g. a vector or colour image, or a time series); the workbench needs one value per voxel.`, { file: fileName });
    }
  }
  const vecs = spatial.map((a) => dirs[a]!);
  if (vecs.some((v) => v.length !== 3)) throw bad(fileName, `has space directions ${dirText}; expected 3 numbers in each vector (a 3-D space).`);
  const originList = f.has('spaceorigin') ? parseVectors(f.get('spaceorigin')!, fileName, 'space origin') : [];
  let origin: Vec3 = [0, 0, 0];
  if (originList.length === 1 && originList[0]?.length === 3) origin = originList[0] as Vec3;
  else if (originList.length) throw bad(fileName, `has space origin ${f.get('spaceorigin')}; expected one vector "(x,y,z)".`);
  else warnings.push(`${fileName} has no space origin; the first voxel was placed at (0, 0, 0) mm.`);
  const k = unitScale(f, fileName, warnings);
  const affine = affineFromAxes(vecs.map((v) => v.map((x) => x * k)) as [Vec3, Vec3, Vec3], origin.map((x) => x * k) as Vec3, frame ?? 'LPS');
  checkAffine(affine, fileName, 'bad-nrrd', 'space directions or a space origin');
  return { dims: scanDims(spatial.map((a) => sizes[a]), fileName, 'bad-nrrd'), affine };
}

/** No space: axis-aligned voxels of `spacings` (1 mm where unknown) and no orientation, with a warning. */
function plainGeometry(f: Map<string, string>, sizes: number[], fileName: string, warnings: string[]): { dims: Vec3; affine: Mat4 } {
  const sp = f.has('spacings') ? f.get('spacings')!.split(/\s+/).map(Number) : [];
  // Axes with no spacing (nan) are not spatial (e.g. a leading colour axis): they must be of size 1.
  const spatial = sizes.map((_, a) => a).filter((a) => !(sp.length === sizes.length && Number.isNaN(sp[a])));
  for (let a = 0; a < sizes.length; a++) {
    if (!spatial.includes(a) && sizes[a] > 1) {
      throw new WorkbenchError('bad-dimensions', `${fileName} has a non-spatial axis of size ${sizes[a]} (axis ${a + 1}: several values per voxel); the workbench needs one value per voxel.`, { file: fileName });
    }
  }
  const dims = scanDims(spatial.map((a) => sizes[a]), fileName, 'bad-nrrd');
  const m = identity4();
  const assumed: number[] = [];
  spatial.slice(0, 3).forEach((a, c) => {
    const s = sp[a];
    if (Number.isFinite(s) && s !== 0) m[c * 5] = Math.abs(s);
    else assumed.push(c);
  });
  warnings.push(
    `${fileName} has no space or space directions, so its orientation is unknown; it is shown as if its axes were right, anterior, superior${assumed.length ? `, and 1 mm voxels were assumed along ${assumed.map((c) => 'ijk'[c]).join(', ')}` : ''}.`,
  );
  return { dims, affine: m };
}

function sizesOf(f: Map<string, string>, fileName: string): number[] {
  const dim = Number(f.get('dimension'));
  if (!(Number.isInteger(dim) && dim >= 1 && dim <= 16)) throw bad(fileName, `has dimension "${f.get('dimension') ?? ''}"; expected a whole number of axes (3 for a scan).`);
  const sizes = (f.get('sizes') ?? '').split(/\s+/).filter(Boolean).map(Number);
  if (sizes.length !== dim) throw bad(fileName, `has dimension ${dim} but ${sizes.length} sizes ("${f.get('sizes') ?? ''}"); expected one size per axis.`);
  if (sizes.some((s) => !(s >= 1) || !Number.isInteger(s))) throw bad(fileName, `has sizes ${f.get('sizes')}; each must be a whole number ≥ 1.`);
  return sizes;
}

type Encoding = 'raw' | 'gzip' | 'text';

function encodingOf(f: Map<string, string>, fileName: string): Encoding {
  const e = (f.get('encoding') ?? '').toLowerCase();
  if (e === 'raw') return 'raw';
  if (e === 'gz' || e === 'gzip') return 'gzip';
  if (e === 'txt' || e === 'text' || e === 'ascii') return 'text';
  const hint = e === 'bz2' || e === 'bzip2' ? ' (bzip2: resave it with gzip or raw encoding, e.g. in 3D Slicer)' : '';
  throw bad(fileName, `has encoding "${f.get('encoding') ?? ''}"${hint}; expected raw, gzip or text.`);
}

function littleEndian(f: Map<string, string>, t: NiftiDatatype, fileName: string, warnings: string[]): boolean {
  const e = (f.get('endian') ?? '').toLowerCase();
  if (e === 'little') return true;
  if (e === 'big') return false;
  if (t.bytes > 1 && e === '') warnings.push(`${fileName} has no "endian" field for its ${t.bytes}-byte voxels; little endian was assumed.`);
  else if (e !== '') throw bad(fileName, `has endian "${f.get('endian')}"; expected little or big.`);
  return true;
}

/** The bytes that hold the voxels: after line skip, decompression and byte skip. */
function dataBytes(h: NrrdHeader, src: { name: string; bytes: Uint8Array }, enc: Encoding, need: number): Uint8Array {
  const f = h.fields;
  const lineSkip = Number(f.get('lineskip') ?? 0);
  const byteSkip = Number(f.get('byteskip') ?? 0);
  let b = skipLines(src.bytes, lineSkip);
  if (!b) throw bad(src.name, `has fewer lines than the header's line skip (${lineSkip}); expected the voxels after them. The file was probably cut short.`);
  if (enc === 'gzip') b = gunzipChecked(b, src.name);
  if (byteSkip === -1) {
    if (enc !== 'raw') throw bad(src.name, `has byte skip -1 with ${enc} encoding; NRRD allows -1 (voxels at the end) with raw encoding only.`);
    return b.length >= need ? b.subarray(b.length - need) : b;
  }
  if (!(Number.isInteger(byteSkip) && byteSkip >= 0)) throw bad(src.name, `has byte skip ${f.get('byteskip')}; expected a whole number of bytes (or -1).`);
  return b.subarray(Math.min(byteSkip, b.length));
}

function detachedSource(h: NrrdHeader, fileName: string, opts: ReadNrrdOptions): { name: string; bytes: Uint8Array } | undefined {
  if (!h.dataFile) return undefined;
  if (/^LIST\b/.test(h.dataFile) || h.dataFile.includes('%')) {
    throw bad(fileName, `keeps its voxels in several files ("data file: ${h.dataFile}"); expected one data file. Resave it as one .nrrd (e.g. in 3D Slicer).`);
  }
  if (!opts.data) {
    throw bad(fileName, `is a detached header: its voxels are in "${h.dataFile}", which was not among the files given. Open the header and its data file together (drop both).`);
  }
  return opts.data;
}

/**
 * Reads an NRRD file (or a detached header with its data file) into a `Volume`. Throws `WorkbenchError`:
 * bad-nrrd (naming the file, what was expected and what was found), bad-dimensions, truncated-gzip.
 */
export function readNrrd(bytes: Uint8Array, fileName: string, opts: ReadNrrdOptions = {}): Volume {
  const h = parseNrrdHeader(bytes, fileName);
  const f = h.fields;
  const warnings: string[] = [];
  const t = scalarOf(f, fileName);
  const sizes = sizesOf(f, fileName);
  const { dims, affine } = f.has('space') || f.has('spacedimension') ? spaceGeometry(f, sizes, fileName, warnings) : plainGeometry(f, sizes, fileName, warnings);
  opts.checkHeader?.({ name: fileName, dims });
  const enc = encodingOf(f, fileName);
  const little = littleEndian(f, t, fileName, warnings);
  const detached = detachedSource(h, fileName, opts);
  if (!detached && h.dataStart === undefined) throw bad(fileName, 'ends without the blank line that separates an NRRD header from its voxels, and names no data file; the file was probably cut short.');
  const src = detached ?? { name: fileName, bytes: bytes.subarray(h.dataStart) };
  const count = dims[0] * dims[1] * dims[2];
  const b = dataBytes(h, src, enc, count * t.bytes);
  const data = voxelsFromData(b, t, count, { text: enc === 'text', little, decompressed: enc === 'gzip', name: src.name, fail: bad });
  const spacing = spacingFromAffine(affine);
  checkPlausibleSpacing(spacing, fileName, warnings);
  const description = f.get('content');
  return {
    name: fileName,
    dims,
    spacing,
    affine,
    data,
    scale: { slope: 1, inter: 0 },
    ...(description ? { description } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
}
