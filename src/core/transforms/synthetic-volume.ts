/**
 * Small synthetic training volumes for tests and benchmarks: smooth random intensities in the scaled
 * CT range plus a few labelled blobs. Deterministic from a seed.
 */
import type { Vec3 } from '../data/volume';
import { Rng } from '../random';
import type { TrainingVolumeInput } from './training-set';

export function syntheticVolume(p: { dims: Vec3; seed: number; classes?: number; spacing?: Vec3; name?: string; withLabels?: boolean }): TrainingVolumeInput & { labels?: Uint8Array } {
  const [nx, ny, nz] = p.dims;
  const rng = new Rng(p.seed);
  const n = nx * ny * nz;
  const image = new Float32Array(n);
  const labels = new Uint8Array(n);
  const waves = Array.from({ length: 4 }, () => ({ k: [rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)], ph: rng.uniform(0, 6.28) }));
  const classes = p.classes ?? 4;
  const blobs = Array.from({ length: classes - 1 }, (_, c) => ({
    c: [rng.uniform(0, nx), rng.uniform(0, ny), rng.uniform(0, nz)],
    r: rng.uniform(2, Math.max(3, Math.min(nx, ny, nz) / 3)),
    label: c + 1,
  }));
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        let s = 0;
        for (const w of waves) s += Math.sin(w.k[0] * i + w.k[1] * j + w.k[2] * k + w.ph);
        image[v] = Math.max(-4.5, Math.min(4.5, s + 0.3 * rng.normal()));
        for (const b of blobs) if (Math.hypot(i - b.c[0], j - b.c[1], k - b.c[2]) < b.r) labels[v] = b.label;
      }
    }
  }
  return { name: p.name, image, labels: p.withLabels === false ? undefined : labels, dims: [...p.dims], spacing: p.spacing };
}
