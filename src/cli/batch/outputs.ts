/**
 * The files one case leaves in the output folder, each written atomically, each named `<case>-…`:
 * - the label map: `<case>-seg.nii.gz` (NIfTI-1, uint8, intent "label"), `<case>-seg.nrrd` (gzip) or
 *   `<case>-seg.mha` (zlib), on the scan's own grid and affine, through the app's export dispatch
 *   (`exportBytes`, src/core/data/export.ts), here in `writeLabelMap`, the one place a format is chosen;
 * - its label table `<case>-seg.txt` ("0 background", "1 spleen", …: what the app and make-labels read);
 * - with `--stats`, `<case>-statistics.json`: `organStatistics` of the label map over the scan's HU, in the
 *   shape of TotalSegmentator's statistics.json (`statisticsJson`).
 *
 * - or `<case>-seg.seg.dcm`, a DICOM Segmentation that references the source series (`writeDicomSeg`): only
 *   for a case read from a DICOM series; any other input fails that case with a sentence.
 */
import { join } from 'node:path';
import { EXPORT_EXTENSIONS, exportBytes, writeDicomSeg, type Volume } from '../../core/data';
import { WorkbenchError } from '../../core/errors';
import { organStatistics, statisticsJson } from '../../core/metrics';
import { UsageError } from './cases';
import { writeAtomic } from './state';

export const BATCH_FORMATS = ['nifti', 'dicom-seg', 'nrrd', 'mha'] as const;
export type BatchFormat = (typeof BATCH_FORMATS)[number];

/** What a case's writers get. */
export interface CaseResult {
  id: string;
  /** The scan as read (stored values and their scale), on its own grid. */
  image: Volume;
  /** uint8 class per voxel on the scan's grid and affine. */
  labels: Volume;
  /** Class index → name, background excluded. */
  labelNames: Record<number, string>;
  /** The input's files (a DICOM series' files, for DICOM SEG's references). */
  inputFiles: string[];
}

/** Every format the batch writes (DICOM SEG only for cases read from a DICOM series). */
const SUPPORTED_FORMATS: readonly BatchFormat[] = ['nifti', 'dicom-seg', 'nrrd', 'mha'];

/** Refuses a format this build cannot write, before any case runs. */
export function checkFormat(format: string): BatchFormat {
  if (!(BATCH_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${BATCH_FORMATS.join(', ')}; it is "${format}".`);
  }
  if (!SUPPORTED_FORMATS.includes(format as BatchFormat)) {
    throw new UsageError(`--format ${format} is not available in this build: it writes ${SUPPORTED_FORMATS.join(', ')}. Leave --format out for NIfTI.`);
  }
  return format as BatchFormat;
}

/** The label map's file name for a format. */
export function labelMapName(id: string, format: BatchFormat): string {
  return `${id}-seg${EXPORT_EXTENSIONS[format]}`;
}

/** Writes the label map in `format` into `out`; returns the file name. */
export async function writeLabelMap(out: string, r: CaseResult, format: BatchFormat): Promise<string> {
  const name = labelMapName(r.id, format);
  if (format === 'dicom-seg') {
    if (!r.image.dicom) {
      throw new WorkbenchError('not-dicom', `${r.id}: DICOM SEG needs a scan read from a DICOM series (it references the series' slices); this case was read from ${r.image.name}. Use --format nifti, nrrd or mha for it.`);
    }
    const seg = await writeDicomSeg({ image: r.image, labelName: name, labels: r.labels.data as Uint8Array, names: r.labelNames, algorithm: { type: 'AUTOMATIC', name: 'CT Segmentation Workbench (ctseg)' } });
    writeAtomic(join(out, name), seg.bytes);
    return name;
  }
  writeAtomic(join(out, name), exportBytes(r.labels, { intent: 'label', format }));
  return name;
}

export function labelTableText(labelNames: Record<number, string>): string {
  return ['0 background', ...Object.entries(labelNames).map(([k, n]) => `${k} ${n}`)].join('\n') + '\n';
}

/** Writes `<case>-statistics.json` (one entry per organ present, keyed by name); returns the file name. */
export function writeStatistics(out: string, r: CaseResult): string {
  const name = `${r.id}-statistics.json`;
  const rows = organStatistics(r.labels.data, r.image.data, r.labels.dims, r.labels.affine, r.labelNames, { scale: r.image.scale });
  writeAtomic(join(out, name), statisticsJson(rows));
  return name;
}

/** Writes every output of a case; returns their file names (relative to `out`), the label map first. */
export async function writeCaseOutputs(out: string, r: CaseResult, o: { format: BatchFormat; stats: boolean }): Promise<string[]> {
  const files = [await writeLabelMap(out, r, o.format)];
  const table = `${r.id}-seg.txt`;
  writeAtomic(join(out, table), labelTableText(r.labelNames));
  files.push(table);
  if (o.stats) files.push(writeStatistics(out, r));
  return files;
}
