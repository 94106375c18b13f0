/** Test helpers for the Trainer: the demo scan with its labels in a store, and waiting for a run to end. */
import { beforeAll } from 'vitest';
import { webgpuForTests } from '../../../testing/gpu';
import { DEMO_LABELS, readNifti } from '../../data';
import { repoFile } from '../../data/testing/repo-files';
import type { Trainer } from '../trainer';
import { VolumeStore } from '../volume-store';

/** A store holding patient A (public/demo) with its organ labels attached; returns the image id. */
export function demoStore(): { store: VolumeStore; imageId: string } {
  const store = new VolumeStore();
  const img = store.add(readNifti(repoFile('public/demo/ct.nii.gz'), 'ct.nii.gz'), 'image');
  const names = Object.fromEntries(Object.entries(DEMO_LABELS).map(([k, v]) => [k, v.name]));
  store.add(readNifti(repoFile('public/demo/labels-organs4.nii.gz'), 'labels-organs4.nii.gz'), 'label', { imageId: img.info.id, labels: names });
  return { store, imageId: img.info.id };
}

/** `demoStore()` for a describe block whose tests train on real WebGPU (started before its first test). */
export function demoStoreOnWebGPU(): { store: VolumeStore; imageId: string } {
  beforeAll(async () => {
    await webgpuForTests();
  });
  return demoStore();
}

/** Resolves once the trainer's run is done or failed. */
export function untilDone(trainer: Trainer, pollMs = 50): Promise<void> {
  return new Promise((res) => {
    const t = setInterval(() => {
      const st = trainer.status().state;
      if (st === 'done' || st === 'error') {
        clearInterval(t);
        res();
      }
    }, pollMs);
  });
}
