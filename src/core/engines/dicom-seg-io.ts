/**
 * DICOM SEG in and out of the volume store: a label map on a DICOM-sourced scan → a Segmentation object
 * (edits included: the store holds the current voxels), and a dropped Segmentation object → a label map
 * attached to the loaded scan whose slices it references.
 */
import { WorkbenchError } from '../errors';
import { dicomSegUnavailable } from '../data/dicom-seg-check';
import { parseDicomSeg, placeFrames, rasteriseDicomSeg, segMismatchError, type SegCandidate } from '../data/dicom-seg-read';
import { writeDicomSeg, type DicomSegOutput, type SegmentAlgorithmType } from '../data/dicom-seg-write';
import { labelArray } from '../data/checks';
import type { VolumeInfo } from './contract';
import type { StoredVolume, VolumeStore } from './volume-store';

/** The sentence that says why `info` cannot be exported as DICOM SEG (undefined when it can), from what the store knows. */
export function dicomSegUnavailableIn(store: VolumeStore, info: VolumeInfo): string | undefined {
  const image = info.imageId && store.has(info.imageId) ? store.get(info.imageId) : undefined;
  return dicomSegUnavailable({ name: info.name, role: info.role, imageFromDicom: image?.volume.dicom !== undefined, imageName: image?.info.name });
}

function algorithmOf(info: VolumeInfo): { type: SegmentAlgorithmType; name?: string } {
  if (info.origin === 'segmentation') return { type: 'AUTOMATIC', name: 'CT Segmentation Workbench (3-D CNN)' };
  if (info.origin === 'auto-labels') return { type: 'AUTOMATIC', name: 'CT Segmentation Workbench (HU thresholds and morphology)' };
  return { type: 'MANUAL' };
}

/** Label map `id` as DICOM SEG bytes; rejects with the sentence of `dicomSegUnavailable` when it cannot be one. */
export async function exportDicomSeg(store: VolumeStore, id: string): Promise<DicomSegOutput> {
  const { info, volume } = store.get(id);
  const why = dicomSegUnavailableIn(store, info);
  if (why) throw new WorkbenchError(info.role === 'label' ? 'not-dicom' : 'bad-argument', why, { file: info.name });
  const image = store.get(info.imageId!);
  return writeDicomSeg({
    image: image.volume,
    labelName: info.name,
    labels: labelArray(volume),
    names: info.labels ?? {},
    algorithm: algorithmOf(info),
  });
}

/**
 * A DICOM SEG file → a label map attached to the scan it references: `imageId` when given (refused with the
 * reason when the SEG does not reference it), else the loaded scan whose slices it references.
 */
export async function loadDicomSeg(store: VolumeStore, file: { name: string; bytes: ArrayBuffer }, imageId?: string): Promise<StoredVolume> {
  const seg = await parseDicomSeg(file.bytes, file.name);
  const candidates = imageId ? [store.image(imageId, 'attach a DICOM SEG to')] : [...store.images()].reverse();
  const refused: SegCandidate[] = [];
  for (const image of candidates) {
    const placed = placeFrames(seg, image.volume);
    if ('reason' in placed) {
      refused.push({ name: image.info.name, reason: placed.reason });
      continue;
    }
    const { volume, labels, warnings } = rasteriseDicomSeg(seg, image.volume, placed.slices);
    return store.add(volume, 'label', { imageId: image.info.id, labels, origin: 'file', warnings });
  }
  throw segMismatchError(seg, refused);
}
