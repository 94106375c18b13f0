/**
 * Reading a drop or a file-picker selection: files and whole folders (a DICOM series is usually a
 * folder), grouped by content (the first bytes: NIfTI header, gzip, "DICM"), never by name — a DICOM
 * folder's files are often called "IM0001", "series.001" or "CT.1.3.12.2": NIfTI files are loaded one
 * by one, DICOM files together as one series, an NRRD or MetaImage header with the data file it names
 * (.nhdr + .raw.gz, .mhd + .zraw), label tables (.txt, .json, .label, .lut) name the label maps.
 */
import { detachedDataName } from '../core/data/read-files';
import { sniff } from '../core/data/sniff';

export interface DropGroups {
  nifti: File[];
  /** Each NRRD / MetaImage header, with its detached data file when it names one that was dropped. */
  headers: File[][];
  /** Files that start like DICOM. */
  series: File[];
  tables: File[];
  /** Neither NIfTI nor DICOM nor a label table, by content. */
  other: File[];
}

const NIFTI = /\.nii(\.gz)?$/i;
const TABLE = /\.(txt|json|label|lut|ctbl)$/i;
/** What operating systems leave in folders; never a scan. */
const CLUTTER = /(^|\/)(\.ds_store|thumbs\.db|desktop\.ini|\._[^/]*)$/i;

async function head(f: File, bytes = 352): Promise<Uint8Array> {
  return new Uint8Array(await f.slice(0, bytes).arrayBuffer());
}

const base = (name: string) => name.split(/[\\/]/).pop() ?? name;

/** The data file a header names, among the dropped files (exact name, else ignoring case). */
async function dataFileOf(header: File, kind: 'nrrd' | 'metaimage', files: File[]): Promise<File | undefined> {
  let name: string | undefined;
  try {
    name = detachedDataName({ name: header.name, bytes: await head(header, 65536) }, kind);
  } catch {
    return undefined; // a damaged header: its reader says what is wrong when it is loaded
  }
  if (!name) return undefined;
  return files.find((f) => base(f.name) === name) ?? files.find((f) => base(f.name).toLowerCase() === name.toLowerCase());
}

export async function groupFiles(files: File[]): Promise<DropGroups> {
  const g: DropGroups = { nifti: [], headers: [], series: [], tables: [], other: [] };
  const headers: { f: File; kind: 'nrrd' | 'metaimage' }[] = [];
  const rest: File[] = [];
  for (const f of files) {
    if (CLUTTER.test(f.name)) continue;
    const kind = sniff(await head(f)).kind;
    if (kind === 'nrrd' || kind === 'metaimage') headers.push({ f, kind });
    else rest.push(f);
  }
  const paired = new Set<File>();
  for (const h of headers) {
    const data = await dataFileOf(h.f, h.kind, rest);
    if (data) paired.add(data);
    g.headers.push(data ? [h.f, data] : [h.f]);
  }
  for (const f of rest) {
    if (paired.has(f)) continue;
    const kind = sniff(await head(f)).kind;
    if (kind === 'dicom') g.series.push(f);
    else if (kind === 'gzip' || kind === 'nifti1' || kind === 'nifti2' || kind === 'nifti-pair' || kind === 'analyze') g.nifti.push(f);
    else if (TABLE.test(f.name)) g.tables.push(f);
    // A file named as NIfTI that is not: loaded alone, so that the reader says what it is.
    else if (NIFTI.test(f.name)) g.nifti.push(f);
    else g.other.push(f);
  }
  return g;
}

async function readEntry(entry: FileSystemEntry, out: File[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
    out.push(file);
    return;
  }
  if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
      if (batch.length === 0) break;
      for (const e of batch) await readEntry(e, out);
    }
  }
}

/** All files in a drop, descending into folders. */
export async function filesFromDataTransfer(dt: DataTransfer): Promise<File[]> {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(dt.items)) {
    const e = item.kind === 'file' ? item.webkitGetAsEntry?.() : null;
    if (e) entries.push(e);
  }
  if (entries.length === 0) return Array.from(dt.files);
  const out: File[] = [];
  for (const e of entries) await readEntry(e, out);
  return out;
}
