/**
 * The real scans the training CLI uses (Node only): patient A from public/demo (image + organs4 labels,
 * loaded into a `VolumeStore` exactly as the app loads them) and patient B from test-data (contrast CT,
 * TotalSegmentator v2 labels and their name table).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_LABELS, parseLabelTable, readNifti, toCanonical, type Volume } from '../core/data';
import { VolumeStore } from '../core/engines/volume-store';

/** The repository (WORKBENCH_REPO_ROOT overrides it: the GPU kit runs this bundled, outside src/cli). */
export const REPO_ROOT = process.env.WORKBENCH_REPO_ROOT ? resolve(process.env.WORKBENCH_REPO_ROOT) : resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

export function repoBytes(rel: string): Uint8Array {
  const b = readFileSync(join(REPO_ROOT, rel));
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

export const PATIENT_A = { image: 'public/demo/ct.nii.gz', labels: 'public/demo/labels-organs4.nii.gz' } as const;
export const PATIENT_B = {
  image: 'test-data/ct-abdomen-b/ct.nii.gz',
  labels: 'test-data/ct-abdomen-b/labels-totalseg-v2.nii.gz',
  table: 'test-data/labels-totalseg-v2.txt',
} as const;

export interface LabelledScan {
  image: Volume;
  labels: Volume;
  /** Label value → name (background excluded). */
  names: Record<number, string>;
}

function namesOf(table: Record<number, { name: string }>): Record<number, string> {
  const out: Record<number, string> = {};
  for (const [k, v] of Object.entries(table)) if (Number(k) !== 0) out[Number(k)] = v.name;
  return out;
}

export function loadPatientA(): LabelledScan {
  return {
    image: readNifti(repoBytes(PATIENT_A.image), 'ct.nii.gz'),
    labels: readNifti(repoBytes(PATIENT_A.labels), 'labels-organs4.nii.gz'),
    names: namesOf(DEMO_LABELS),
  };
}

export function loadPatientB(): LabelledScan {
  const table = parseLabelTable(new TextDecoder().decode(repoBytes(PATIENT_B.table)), 'labels-totalseg-v2.txt');
  return {
    image: readNifti(repoBytes(PATIENT_B.image), 'ct-abdomen-b.nii.gz'),
    labels: readNifti(repoBytes(PATIENT_B.labels), 'labels-totalseg-v2.nii.gz'),
    names: namesOf(table),
  };
}

/** A store holding patient A's image with its label map attached (and `slabs` thin z-slabs of it); returns the image ids. */
export function storeWithPatientA(store = new VolumeStore(), slabs?: { count: number; thicknessMm: number }): { store: VolumeStore; imageId: string; imageIds: string[] } {
  const a = loadPatientA();
  const ids = [a, ...zSlabs(a, slabs?.count ?? 0, slabs?.thicknessMm ?? 42)].map((s) => {
    const img = store.add(s.image, 'image');
    store.add(s.labels, 'label', { imageId: img.info.id, labels: s.names });
    return img.info.id;
  });
  return { store, imageId: ids[0], imageIds: ids };
}

/**
 * Thin z-slabs of a labelled scan (reoriented to canonical RAS first), evenly spread over the slices that hold
 * any label: training images that look like a partial scan (patient B covers only 40 mm), so the network learns
 * what air beyond the first and last slice means. Each slab keeps the world position of its voxels.
 */
export function zSlabs(scan: LabelledScan, count: number, thicknessMm: number): LabelledScan[] {
  if (count <= 0) return [];
  const img = toCanonical(scan.image).volume;
  const lab = toCanonical(scan.labels).volume;
  const [nx, ny, nz] = img.dims;
  const slice = nx * ny;
  const depth = Math.max(1, Math.min(nz, Math.round(thicknessMm / img.spacing[2])));
  let first = nz;
  let last = -1;
  for (let k = 0; k < nz; k++) {
    for (let p = k * slice; p < (k + 1) * slice; p++) {
      if (lab.data[p] !== 0) {
        first = Math.min(first, k);
        last = Math.max(last, k);
        break;
      }
    }
  }
  const span = Math.max(0, last - first + 1 - depth);
  return Array.from({ length: count }, (_, s) => {
    const k0 = Math.min(nz - depth, first + Math.round(count === 1 ? span / 2 : (s * span) / (count - 1)));
    const crop = (v: Volume, name: string): Volume => {
      const affine = Float64Array.from(v.affine);
      for (let r = 0; r < 3; r++) affine[r * 4 + 3] += v.affine[r * 4 + 2] * k0;
      return { ...v, name, dims: [nx, ny, depth], affine, data: v.data.slice(k0 * slice, (k0 + depth) * slice) };
    };
    return { image: crop(img, `${scan.image.name} z${k0}-${k0 + depth - 1}`), labels: crop(lab, `${scan.labels.name} z${k0}-${k0 + depth - 1}`), names: scan.names };
  });
}
