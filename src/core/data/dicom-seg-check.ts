/**
 * The light half of DICOM SEG support (no dcmjs): recognising a Segmentation object by content, and
 * the sentence that says why a volume cannot be exported as one. The UI and the file sorter use it
 * without loading the encoder.
 */
import dicomParser from 'dicom-parser';
import { sniff, toBytes } from './sniff';

/** Segmentation Storage (PS3.4 B.5). */
export const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';

/** The SOP Class UID of a DICOM file (data set, else file meta), read only up to it; undefined when it is not DICOM or has none. */
export function dicomSopClass(b: ArrayBuffer | Uint8Array): string | undefined {
  const bytes = toBytes(b);
  const s = sniff(bytes);
  if (s.kind !== 'dicom') return undefined;
  try {
    const ds = dicomParser.parseDicom(bytes, {
      untilTag: 'x00080017',
      ...(s.rawDicom ? { TransferSyntaxUID: '1.2.840.10008.1.2' } : {}),
    } as dicomParser.ParseDicomOptions);
    return (ds.string('x00080016') || ds.string('x00020002'))?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Specific Character Set (0008,0005) as the file states it ('' when absent or not DICOM). */
export function dicomCharacterSet(b: ArrayBuffer | Uint8Array): string {
  const bytes = toBytes(b);
  try {
    const ds = dicomParser.parseDicom(bytes, { untilTag: 'x00080006', ...(sniff(bytes).rawDicom ? { TransferSyntaxUID: '1.2.840.10008.1.2' } : {}) } as dicomParser.ParseDicomOptions);
    return ds.string('x00080005')?.trim() ?? '';
  } catch {
    return '';
  }
}

/** True for a DICOM Segmentation object (SOP Class UID 1.2.840.10008.5.1.4.1.1.66.4), recognised by content. */
export function isDicomSeg(b: ArrayBuffer | Uint8Array): boolean {
  return dicomSopClass(b) === SEG_SOP_CLASS;
}

/** What the sentence below needs to know of a volume and of the image it belongs to. */
export interface SegExportSubject {
  name: string;
  role: 'image' | 'label' | 'map';
  /** Present when the image (or, for a label map, its image) was read from a DICOM series. */
  imageFromDicom: boolean;
  imageName?: string;
}

/**
 * Why `v` cannot be exported as DICOM SEG, as the sentence the UI shows beside the export control and
 * the API rejects with; undefined when it can.
 */
export function dicomSegUnavailable(v: SegExportSubject): string | undefined {
  if (v.role !== 'label') {
    return `DICOM SEG is not offered for ${v.name}: a DICOM Segmentation holds a label map, and ${v.name} is ${v.role === 'image' ? 'an image' : 'a continuous map'}; export a label map attached to it instead.`;
  }
  if (!v.imageFromDicom) {
    const scan = v.imageName ?? 'its scan';
    return `DICOM SEG is not offered for ${v.name}: its scan ${scan} was not loaded from DICOM, so there are no Study, Series, Frame of Reference and SOP Instance UIDs for a DICOM Segmentation to reference; load the scan's DICOM series and attach the label map to it, or export NIfTI.`;
  }
  return undefined;
}
