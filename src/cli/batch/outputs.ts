/**
 * The files one case leaves in the output folder, each written atomically, each named `<case>-…`:
 * - the label map: `<case>-seg.nii.gz` (NIfTI-1, uint8, intent "label", on the scan's own grid and affine);
 *   other formats through `writeLabelMap`, the one place a format is chosen;
 * - its label table `<case>-seg.txt` ("0 background", "1 spleen", …: what the app and make-labels read);
 * - with `--stats`, `<case>-statistics.json` through `writeStatistics`.
 *
 * Formats other than NIfTI and the statistics come from modules that are not in this build yet; until they
 * are, `checkFormat` / `checkStats` refuse them before any case runs (see the MERGE notes below).
 */
import { join } from 'node:path';
import { writeNifti, type Volume } from '../../core/data';
import { UsageError } from './cases';
import { writeAtomic } from './state';

export const BATCH_FORMATS = ['nifti', 'dicom-seg', 'nrrd', 'mha'] as const;
export type BatchFormat = (typeof BATCH_FORMATS)[number];

/** What a case's writers get. */
export interface CaseResult {
  id: string;
  /** The scan as read (HU after scaling), on its own grid. */
  image: Volume;
  /** uint8 class per voxel on the scan's grid and affine. */
  labels: Volume;
  /** Class index → name, background excluded. */
  labelNames: Record<number, string>;
  /** The input's files (a DICOM series' files, for DICOM SEG's references). */
  inputFiles: string[];
}

/**
 * MERGE (formats): when `src/core/data/export.ts` (`ExportFormat`, NRRD / MetaImage / DICOM SEG writers) is in
 * main, add the formats it writes here and dispatch to it in `writeLabelMap`.
 */
const SUPPORTED_FORMATS: readonly BatchFormat[] = ['nifti'];

/** Refuses a format this build cannot write, before any case runs. */
export function checkFormat(format: string): BatchFormat {
  if (!(BATCH_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${BATCH_FORMATS.join(', ')}; it is "${format}".`);
  }
  if (!SUPPORTED_FORMATS.includes(format as BatchFormat)) {
    throw new UsageError(`--format ${format} is not available in this build: it writes ${SUPPORTED_FORMATS.join(', ')} only. Leave --format out for NIfTI.`);
  }
  return format as BatchFormat;
}

/** The label map's file name for a format. */
export function labelMapName(id: string, format: BatchFormat): string {
  const ext: Record<BatchFormat, string> = { nifti: '.nii.gz', 'dicom-seg': '.dcm', nrrd: '.seg.nrrd', mha: '.mha' };
  return `${id}-seg${ext[format]}`;
}

/** Writes the label map in `format` into `out`; returns the file name. */
export function writeLabelMap(out: string, r: CaseResult, format: BatchFormat): string {
  const name = labelMapName(r.id, format);
  switch (format) {
    case 'nifti':
      writeAtomic(join(out, name), writeNifti(r.labels, { gzip: true, intent: 'label' }));
      return name;
    default:
      // checkFormat keeps other formats out until their writers are wired in (see SUPPORTED_FORMATS).
      throw new UsageError(`--format ${format} is not available in this build.`);
  }
}

export function labelTableText(labelNames: Record<number, string>): string {
  return ['0 background', ...Object.entries(labelNames).map(([k, n]) => `${k} ${n}`)].join('\n') + '\n';
}

/**
 * MERGE (statistics): when `src/core/metrics/statistics.ts` is in main, set this to true and fill in
 * `writeStatistics` (organStatistics(labels, image, dims, affine, names) → statisticsJson(rows)).
 */
const STATISTICS_AVAILABLE = false;

/** Refuses `--stats` when this build cannot compute statistics, before any case runs. */
export function checkStats(stats: boolean): void {
  if (stats && !STATISTICS_AVAILABLE) {
    throw new UsageError('--stats is not available in this build: per-organ statistics (src/core/metrics/statistics.ts) are not part of it yet. The summary still lists each organ\'s volume in mL.');
  }
}

/** Writes `<case>-statistics.json`; returns the file name. */
export function writeStatistics(_out: string, r: CaseResult): string {
  throw new UsageError(`--stats is not available in this build (case ${r.id}).`);
}

/** Writes every output of a case; returns their file names (relative to `out`), the label map first. */
export function writeCaseOutputs(out: string, r: CaseResult, o: { format: BatchFormat; stats: boolean }): string[] {
  const files = [writeLabelMap(out, r, o.format)];
  const table = `${r.id}-seg.txt`;
  writeAtomic(join(out, table), labelTableText(r.labelNames));
  files.push(table);
  if (o.stats) files.push(writeStatistics(out, r));
  return files;
}
