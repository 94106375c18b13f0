/**
 * The cases of a batch: what `ctseg segment` was given (files, folders, manifests), as one case per scan with
 * an id that starts every output file's name. Resolved and checked before any case runs, so a typo in a
 * manifest stops the batch at once with a sentence instead of failing case by case.
 *
 * - A file is one case; its id is the file name without its extensions (.nii.gz, .nii, .nrrd, .nhdr, .mha,
 *   .mhd, .dcm, .gz).
 * - A folder holding only single-file volumes (.nii, .nii.gz, .nrrd, .mha, at its top level) is one case per
 *   file; any other folder is one case, read as a DICOM series (every file below it, hidden ones left out; or
 *   a detached .nhdr / .mhd header with its data file); its id is the folder name.
 * - A `.csv` file is a manifest: a header row naming the columns `case` and `path` (others are ignored), one
 *   case per row; a relative path is relative to the manifest's folder. A path that does not exist fails its
 *   case when the case runs (a file named on the command line that does not exist stops the command).
 *
 * Ids must be usable in file names: letters, digits, `.`, `_`, `+`, `-`, starting with a letter or digit.
 * Ids taken from file or folder names have other characters replaced by `_`; a manifest's ids are used as
 * written and refused when they do not fit. Two cases with one id are refused.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { errorMessage } from '../../core/errors';

export interface BatchCase {
  /** Starts every output file's name; unique within the batch. */
  id: string;
  /** The file or folder to read (absolute). */
  path: string;
  /** Where the case came from, for messages: the argument, or "manifest.csv row 3". */
  source: string;
}

/** A problem with the batch's inputs as a whole (exit status 2, before any case runs). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const SCAN_EXTENSIONS = /(\.nii\.gz|\.nii|\.nrrd|\.nhdr|\.mha|\.mhd|\.dcm|\.gz)$/i;
const VOLUME_FILE_NAME = /\.(nii(\.gz)?|nrrd|mha)$/i;

/** The id a file or folder name gives: extensions dropped, characters unfit for file names replaced by `_`. */
export function caseIdFromName(name: string): string {
  const stem = basename(name.replace(/[\\/]+$/, '')).replace(SCAN_EXTENSIONS, '');
  const id = stem.replace(/[^A-Za-z0-9._+-]+/g, '_').replace(/^[._+-]+/, '');
  return id || 'case';
}

function isHidden(name: string): boolean {
  return name.startsWith('.');
}

function nameOf(path: string): string {
  return basename(path.replace(/[\\/]+$/, ''));
}

/** The single-file volumes of a folder when it holds nothing else at its top level (hidden files aside). */
function volumeFolderFiles(dir: string): string[] | undefined {
  const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => !isHidden(e.name));
  if (entries.length === 0 || !entries.every((e) => e.isFile() && VOLUME_FILE_NAME.test(e.name))) return undefined;
  return entries.map((e) => join(dir, e.name)).sort();
}

function readManifest(file: string): BatchCase[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(readFileSync(file), { columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true });
  } catch (e) {
    throw new UsageError(`${file} is not a readable CSV manifest (${errorMessage(e)}); expected a header row "case,path" and one row per scan.`);
  }
  if (rows.length === 0) throw new UsageError(`${file} lists no cases; expected a header row "case,path" and one row per scan.`);
  const header = Object.keys(rows[0]);
  if (!header.includes('case') || !header.includes('path')) {
    throw new UsageError(`${file} has the columns ${header.join(', ')}; a manifest needs a header row naming "case" and "path".`);
  }
  return rows.map((r, i) => {
    const where = `${file} row ${i + 2}`;
    const id = r.case ?? '';
    if (!SAFE_ID.test(id)) {
      throw new UsageError(`${where}: case id "${id}" cannot start a file name; use letters, digits, ".", "_", "+" and "-", starting with a letter or digit.`);
    }
    if (!r.path) throw new UsageError(`${where}: case "${id}" has no path.`);
    // A path that does not exist fails its case only (at scale, one missing scan must not stop the rest).
    return { id, path: resolve(dirname(file), r.path), source: where };
  });
}

/** The cases of `inputs` in the order given (see the module comment); throws `UsageError`. */
export function resolveCases(inputs: string[], cwd = process.cwd()): BatchCase[] {
  if (inputs.length === 0) throw new UsageError('No inputs were given; name NIfTI files, DICOM folders or a manifest (a CSV with a header row "case,path").');
  const cases: BatchCase[] = [];
  for (const input of inputs) {
    const path = resolve(cwd, input);
    if (!existsSync(path)) throw new UsageError(`${input} does not exist; expected a NIfTI file, a DICOM folder or a manifest CSV.`);
    const st = statSync(path);
    if (st.isFile() && /\.csv$/i.test(path)) cases.push(...readManifest(path));
    else if (st.isFile()) cases.push({ id: caseIdFromName(path), path, source: input });
    else if (st.isDirectory()) {
      const files = volumeFolderFiles(path);
      if (files) cases.push(...files.map((f) => ({ id: caseIdFromName(f), path: f, source: `${input} (${nameOf(f)})` })));
      else cases.push({ id: caseIdFromName(path), path, source: input });
    } else throw new UsageError(`${input} is neither a file nor a folder.`);
  }
  const seen = new Map<string, BatchCase>();
  for (const c of cases) {
    const other = seen.get(c.id);
    if (other) {
      throw new UsageError(`Two cases have the id "${c.id}" (${other.source} and ${c.source}); each output file starts with its case id, so ids must differ. Rename one, or list them in a manifest with their own ids.`);
    }
    seen.set(c.id, c);
  }
  return cases;
}

/** Every file of a folder (recursively, hidden files and folders left out), sorted: a DICOM series. */
export function folderFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (isHidden(e.name)) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * What a case's input looks like now (file sizes and modification times), so that a rerun can tell whether a
 * case that failed was given a new input since.
 */
export function inputFingerprint(path: string): string {
  const st = statSync(path);
  if (st.isFile()) return `${st.size}:${Math.round(st.mtimeMs)}`;
  let size = 0;
  let mtime = 0;
  const files = folderFiles(path);
  for (const f of files) {
    const s = statSync(f);
    size += s.size;
    mtime = Math.max(mtime, s.mtimeMs);
  }
  return `${files.length} files:${size}:${Math.round(mtime)}`;
}
