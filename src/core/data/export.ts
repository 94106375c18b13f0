/**
 * The one place that turns a volume into the bytes of an export format: NIfTI (`.nii.gz`, the default),
 * NRRD (`.nrrd`, gzip encoding) and MetaImage (`.mha`, zlib-compressed). DICOM SEG needs the source
 * series and is not in this build.
 */
import { WorkbenchError } from '../errors';
import { writeMetaImage } from './metaimage-write';
import { writeNifti } from './nifti-write';
import { writeNrrd } from './nrrd-write';
import type { Volume, VolumeIntent } from './volume';

export type ExportFormat = 'nifti' | 'dicom-seg' | 'nrrd' | 'mha';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['nifti', 'dicom-seg', 'nrrd', 'mha'];

/** The file name ending of each format. */
export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = { nifti: '.nii.gz', 'dicom-seg': '.dcm', nrrd: '.nrrd', mha: '.mha' };

export interface ExportRequest {
  /** 'label' writes NIfTI's label intent (the other formats have none). */
  intent: VolumeIntent;
  /** Default 'nifti'. */
  format?: ExportFormat;
}

/** A volume's bytes in `format`, in its own grid. Throws `bad-argument` for an unknown format, `not-available` for DICOM SEG. */
export function exportBytes(v: Volume, req: ExportRequest): Uint8Array {
  const format = req.format ?? 'nifti';
  switch (format) {
    case 'nifti':
      return writeNifti(v, { gzip: true, intent: req.intent });
    case 'nrrd':
      return writeNrrd(v, { gzip: true });
    case 'mha':
      return writeMetaImage(v, { compress: true });
    case 'dicom-seg':
      throw new WorkbenchError('not-available', `${v.name} cannot be exported as DICOM SEG: that format is not available in this build; choose NIfTI, NRRD or MetaImage.`);
    default:
      throw new WorkbenchError('bad-argument', `"${String(format)}" is not an export format; expected one of ${EXPORT_FORMATS.join(', ')}.`);
  }
}

/** "ct.nii.gz" → "ct" (NIfTI, NRRD, MetaImage and DICOM endings dropped), for naming an export. */
export function stripVolumeExtension(name: string): string {
  return name.replace(/\.(nii(\.gz)?|nrrd|nhdr|mha|mhd|dcm)$/i, '');
}
