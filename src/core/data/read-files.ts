/**
 * Opens whatever the user dropped: one NIfTI file (.nii / .nii.gz, either version), one NRRD or MetaImage
 * file (.nrrd, .mha, or a detached header .nhdr / .mhd with its data file), or the files of a DICOM series,
 * recognised by content (gzip magic, NIfTI header size in either byte order, "NRRD000N", a MetaIO
 * "ObjectType = Image" header, "DICM" at byte 128), not by extension.
 */
import { WorkbenchError } from '../errors';
import { readDicomSeries } from './dicom-series';
import type { DicomFile } from './dicom-slice';
import { baseName } from './header-text';
import { metaImageDataFileName, readMetaImage } from './metaimage-read';
import { readNifti, type ReadNiftiOptions } from './nifti-read';
import { nrrdDataFileName, readNrrd } from './nrrd-read';
import { describeContent, sniff, toBytes } from './sniff';
import type { Volume } from './volume';

export interface InputFile {
  name: string;
  bytes: ArrayBuffer | Uint8Array;
}

type Sorted = { nifti: InputFile[]; dicom: DicomFile[]; headers: (InputFile & { kind: 'nrrd' | 'metaimage' })[]; other: InputFile[] };

/** Names that folders carry along and that are never scans. */
function isClutter(name: string): boolean {
  const base = name.split(/[\\/]/).pop() ?? name;
  return base.startsWith('.') || /^(thumbs\.db|desktop\.ini|readme(\..*)?|license(\..*)?)$/i.test(base);
}

function classify(files: InputFile[]): Sorted {
  const out: Sorted = { nifti: [], dicom: [], headers: [], other: [] };
  for (const f of files) {
    const kind = sniff(toBytes(f.bytes)).kind;
    if (kind === 'dicom') out.dicom.push(f);
    else if (kind === 'nrrd' || kind === 'metaimage') out.headers.push({ ...f, kind });
    else if (kind === 'gzip' || kind.startsWith('nifti') || kind === 'analyze') out.nifti.push(f);
    else out.other.push(f);
  }
  return out;
}

function list(files: InputFile[], max = 3): string {
  const names = files.slice(0, max).map((f) => f.name);
  return names.join(', ') + (files.length > max ? `, … (${files.length} in all)` : '');
}

/** The detached data file a header names, if any (NRRD `data file:`, MetaImage `ElementDataFile`). */
export function detachedDataName(f: InputFile, kind: 'nrrd' | 'metaimage'): string | undefined {
  const b = toBytes(f.bytes);
  return kind === 'nrrd' ? nrrdDataFileName(b, f.name) : metaImageDataFileName(b, f.name);
}

/** The file among `files` whose name (without folders) is `name`: exactly, else ignoring case. */
function findByName(files: InputFile[], name: string): InputFile | undefined {
  return files.find((f) => baseName(f.name) === name) ?? files.find((f) => baseName(f.name).toLowerCase() === name.toLowerCase());
}

/** An NRRD or MetaImage file, with its detached data file paired by the name its header gives. */
function readHeaderFormat(sorted: Sorted, opts: ReadNiftiOptions): Volume {
  const { headers, nifti, dicom, other } = sorted;
  if (headers.length > 1) {
    throw new WorkbenchError('bad-argument', `Expected one scan but found ${headers.length} NRRD/MetaImage headers (${list(headers)}); open them one at a time, each with its data file.`);
  }
  const h = headers[0];
  if (dicom.length > 0) throw new WorkbenchError('bad-argument', `Expected one scan but found ${h.name} and ${dicom.length} DICOM files (${list(dicom)}); open one at a time.`);
  const rest = [...nifti, ...other];
  const dataName = detachedDataName(h, h.kind);
  const data = dataName === undefined ? undefined : findByName(rest, dataName);
  const code = h.kind === 'nrrd' ? 'bad-nrrd' : 'bad-metaimage';
  if (dataName !== undefined && !data) {
    const given = rest.filter((f) => !isClutter(f.name));
    throw new WorkbenchError(
      code,
      `${h.name} is a detached header: expected its voxels in "${dataName}" beside it, found ${given.length ? `only ${list(given)}` : 'no other file'}. Open the header and its data file together (drop both).`,
      { file: h.name },
    );
  }
  const stray = rest.filter((f) => f !== data && !isClutter(f.name));
  if (stray.length) {
    throw new WorkbenchError('bad-argument', `Expected one scan but found ${h.name}${data ? ` and its data file ${data.name}` : ''} together with other files (${list(stray)}); open the scan alone.`);
  }
  const detached = data ? { data: { name: data.name, bytes: toBytes(data.bytes) } } : {};
  const read = h.kind === 'nrrd' ? readNrrd : readMetaImage;
  return read(toBytes(h.bytes), h.name, { ...detached, ...(opts.checkHeader ? { checkHeader: opts.checkHeader } : {}) });
}

/**
 * Reads one volume from the given files: a single NIfTI file, an NRRD or MetaImage file (a detached header
 * with the data file it names), or a DICOM series (other files
 * in a dropped folder are left out when DICOM files are there: hidden files and READMEs silently,
 * anything else with a warning in `warnings`).
 * Throws `WorkbenchError`: bad-file-type (names each unrecognised file and what it looks like),
 * bad-argument (nothing given, or several scans at once), and the readers' own errors.
 */
export async function readVolumeFiles(files: InputFile[], opts: ReadNiftiOptions = {}): Promise<Volume> {
  if (files.length === 0) throw new WorkbenchError('bad-argument', 'No files were given; expected one NIfTI file (.nii or .nii.gz), one NRRD or MetaImage file (with its data file), or the files of one DICOM series.');
  const sorted = classify(files);
  if (sorted.headers.length > 0) return readHeaderFormat(sorted, opts);
  const { nifti, dicom, other } = sorted;
  if (nifti.length > 1) {
    throw new WorkbenchError('bad-argument', `Expected one scan but found ${nifti.length} NIfTI files (${list(nifti)}); open them one at a time.`);
  }
  if (nifti.length === 1 && dicom.length > 0) {
    throw new WorkbenchError('bad-argument', `Expected one scan but found a NIfTI file (${nifti[0].name}) and ${dicom.length} DICOM files (${list(dicom)}); open one at a time.`);
  }
  if (nifti.length === 1) {
    if (other.filter((f) => !isClutter(f.name)).length > 0) {
      throw new WorkbenchError('bad-argument', `Expected one scan but found ${nifti[0].name} together with other files (${list(other)}); open the NIfTI file alone.`);
    }
    return readNifti(nifti[0].bytes, nifti[0].name, opts);
  }
  if (dicom.length > 0) {
    const v = await readDicomSeries(dicom);
    const stray = other.filter((f) => !isClutter(f.name));
    if (stray.length) {
      const w = `${stray.length} file${stray.length === 1 ? ' is' : 's are'} not DICOM and ${stray.length === 1 ? 'was' : 'were'} left out of the series: ${stray.slice(0, 3).map((f) => `${f.name} (${describeContent(toBytes(f.bytes))})`).join(', ')}${stray.length > 3 ? ', …' : ''}.`;
      v.warnings = [...(v.warnings ?? []), w];
    }
    return v;
  }
  const f = other.find((x) => !isClutter(x.name)) ?? other[0];
  const more = other.length > 1 ? ` (and ${other.length - 1} other file${other.length > 2 ? 's' : ''} that are not scans either)` : '';
  throw new WorkbenchError(
    'bad-file-type',
    `${f.name} is neither NIfTI, NRRD, MetaImage nor DICOM: expected a NIfTI-1/-2 file (.nii, .nii.gz), an NRRD file ("NRRD000N"), a MetaImage header ("ObjectType = Image") or DICOM files ("DICM" at byte 128), found ${describeContent(toBytes(f.bytes))}${more}.`,
    { file: f.name },
  );
}
