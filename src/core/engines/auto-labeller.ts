/**
 * `makeLabels` on loaded scans: labels without supervision (src/core/labels) attached to the image as a
 * label map that trains like any other. One run at a time; `cancel` stops it between stages.
 */
import type { EngineEvent, MakeLabelsOptions } from './contract';
import { WorkbenchError } from '../errors';
import { makeLabelVolume } from '../labels';
import type { StoredVolume, VolumeStore } from './volume-store';

export class AutoLabeller {
  private abort?: AbortController;

  constructor(private readonly deps: { store: VolumeStore; emit: (e: EngineEvent) => void | Promise<void> }) {}

  async make(imageId: string, opts: MakeLabelsOptions): Promise<StoredVolume> {
    if (this.abort) throw new WorkbenchError('busy', 'Automatic labelling is already running; wait for it or cancel it.');
    const image = this.deps.store.get(imageId);
    if (image.info.role !== 'image') throw new WorkbenchError('bad-argument', `${image.info.name} is a ${image.info.role} volume; label its image instead.`);
    const method = opts.method ?? 'auto';
    if (!['auto', 'fft', 'direct'].includes(method)) throw new WorkbenchError('bad-argument', `makeLabels' method must be 'auto', 'fft' or 'direct'; got "${String(method)}".`);
    const abort = new AbortController();
    this.abort = abort;
    const t0 = performance.now();
    try {
      const made = await makeLabelVolume(image.volume, {
        structures: opts.structures,
        method,
        signal: abort.signal,
        onProgress: (p) => void this.deps.emit({ type: 'labels-progress', imageId, ...p, elapsedMs: performance.now() - t0 }),
      });
      return this.deps.store.add(made.volume, 'label', { imageId, labels: made.labels, origin: 'auto-labels' });
    } finally {
      this.abort = undefined;
    }
  }

  cancel(): boolean {
    if (!this.abort) return false;
    this.abort.abort();
    return true;
  }
}
