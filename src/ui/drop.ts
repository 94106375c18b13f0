/**
 * Reading a drop or a file-picker selection: files and whole folders (a DICOM series is usually a
 * folder), grouped into what to load: NIfTI files one by one, the rest as one DICOM series, and
 * label tables (.txt, .json, .label, .lut) to name the label maps.
 */
export interface DropGroups {
  nifti: File[];
  series: File[];
  tables: File[];
}

const NIFTI = /\.nii(\.gz)?$/i;
const TABLE = /\.(txt|json|label|lut|ctbl)$/i;
const IGNORE = /(^|\/)(\.ds_store|thumbs\.db|dicomdir)$|\.(md|pdf|html?|xml|jpg|jpeg|png)$/i;

export function groupFiles(files: File[]): DropGroups {
  const g: DropGroups = { nifti: [], series: [], tables: [] };
  for (const f of files) {
    if (NIFTI.test(f.name)) g.nifti.push(f);
    else if (TABLE.test(f.name)) g.tables.push(f);
    else if (!IGNORE.test(f.name)) g.series.push(f);
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
