/**
 * The real scans the training CLI uses (Node only): patient A from public/demo (image + organs4 labels,
 * loaded into a `VolumeStore` exactly as the app loads them) and patient B from test-data (contrast CT,
 * TotalSegmentator v2 labels and their name table).
 */
import { existsSync, readFileSync } from 'node:fs';
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

/** MSD Task09 spleen_8 (contrast CT, manual labels of the spleen only; CC BY-SA 4.0, test-data/ct-spleen-msd/LICENSE.txt). */
export const SPLEEN_8 = { image: 'test-data/ct-spleen-msd/ct.nii.gz', labels: 'test-data/ct-spleen-msd/labels-spleen.nii.gz' } as const;

/**
 * IRCADb 1.7 (manual labels; CC BY-NC-ND 4.0): for validation and testing only, never for training a
 * shipped model, and never copied into the project. Read from ../shared/data (WORKBENCH_IRCADB overrides).
 */
export const IRCADB_17 = {
  dir: process.env.WORKBENCH_IRCADB ?? '../shared/data/ct-ircadb-1.7',
  names: { 1: 'liver', 2: 'spleen', 3: 'kidney_right', 4: 'kidney_left', 5: 'lung_right', 6: 'lung_left', 7: 'bone' } as Record<number, string>,
};

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

export function loadSpleen8(): LabelledScan {
  return { image: readNifti(repoBytes(SPLEEN_8.image), 'spleen_8.nii.gz'), labels: readNifti(repoBytes(SPLEEN_8.labels), 'spleen_8-labels.nii.gz'), names: { 1: 'spleen' } };
}

/** IRCADb 1.7, or undefined when ../shared/data does not have it. */
export function loadIrcadb(): LabelledScan | undefined {
  const dir = resolve(REPO_ROOT, IRCADB_17.dir);
  if (!existsSync(join(dir, 'ct.nii.gz'))) return undefined;
  const bytes = (f: string) => new Uint8Array(readFileSync(join(dir, f)));
  return { image: readNifti(bytes('ct.nii.gz'), 'ircadb-1.7.nii.gz'), labels: readNifti(bytes('labels.nii.gz'), 'ircadb-1.7-labels.nii.gz'), names: { ...IRCADB_17.names } };
}

/**
 * A label map renumbered by name to `table` (name → value; names not in it become 0), e.g. patient B's
 * TotalSegmentator values (spleen 1, liver 5) to the organs4 numbering (spleen 1, liver 4).
 */
export function renumberByName(scan: LabelledScan, table: Record<number, string>): LabelledScan {
  const byName = new Map(Object.entries(table).map(([v, n]) => [n.toLowerCase(), Number(v)]));
  const lut = new Map<number, number>();
  for (const [v, n] of Object.entries(scan.names)) {
    const to = byName.get(n.toLowerCase());
    if (to !== undefined) lut.set(Number(v), to);
  }
  const { slope, inter } = scan.labels.scale;
  const data = Uint8Array.from(scan.labels.data, (v) => lut.get(v * slope + inter) ?? 0);
  const names = Object.fromEntries([...lut.values()].map((v) => [v, table[v]]));
  return { ...scan, labels: { ...scan.labels, data, scale: { slope: 1, inter: 0 } }, names };
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
