/**
 * `makeLabels` on loaded scans: labels without supervision (src/core/labels) attached to the image as a
 * label map that trains like any other. One run at a time; `cancel` stops it between stages.
 */
import type { EngineEvent, MakeLabelsOptions } from './contract';
import { WorkbenchError } from '../errors';
import { makeLabelVolume } from '../labels';
import { SingleRun } from './single-run';
import type { StoredVolume, VolumeStore } from './volume-store';

export class AutoLabeller {
  private readonly current = new SingleRun('Automatic labelling is already running; wait for it or cancel it.');

  constructor(private readonly deps: { store: VolumeStore; emit: (e: EngineEvent) => void | Promise<void> }) {}

  make(imageId: string, opts: MakeLabelsOptions): Promise<StoredVolume> {
    return this.current.run(async (signal) => {
      const image = this.deps.store.image(imageId, 'label');
      const method = opts.method ?? 'auto';
      if (!['auto', 'fft', 'direct'].includes(method)) throw new WorkbenchError('bad-argument', `makeLabels' method must be 'auto', 'fft' or 'direct'; got "${String(method)}".`);
      const t0 = performance.now();
      const made = await makeLabelVolume(image.volume, {
        structures: opts.structures,
        method,
        signal,
        onProgress: (p) => void this.deps.emit({ type: 'labels-progress', imageId, ...p, elapsedMs: performance.now() - t0 }),
      });
      return this.deps.store.add(made.volume, 'label', { imageId, labels: made.labels, origin: 'auto-labels' });
    }, imageId);
  }

  /** The image being labelled, if any. */
  get imageId(): string | undefined {
    return this.current.subject;
  }

  cancel(): boolean {
    return this.current.cancel();
  }
}
