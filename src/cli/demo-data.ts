/**
 * The real scans the training CLI uses (Node only): patient A from public/demo (image + organs4 labels,
 * loaded into a `VolumeStore` exactly as the app loads them) and patient B from test-data (contrast CT,
 * TotalSegmentator v2 labels and their name table).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_LABELS, parseLabelTable, readNifti, type Volume } from '../core/data';
import { VolumeStore } from '../core/engines/volume-store';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

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

/** A store holding patient A's image with its label map attached; returns the image id. */
export function storeWithPatientA(store = new VolumeStore()): { store: VolumeStore; imageId: string } {
  const a = loadPatientA();
  const img = store.add(a.image, 'image');
  store.add(a.labels, 'label', { imageId: img.info.id, labels: a.names });
  return { store, imageId: img.info.id };
}
