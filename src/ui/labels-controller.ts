/**
 * Labels without supervision from the UI and from `window.workbench.makeLabels`: runs the engine's
 * makeLabels with progress and cancel, and shows the result as a label map on the scan.
 */
import type { MakeLabelsOptions, VolumeInfo } from '../api/types';
import type { EngineEvent } from '../worker/protocol';
import type { AppController } from './controller';
import { reportFailure } from './failures';
import { useAppStore } from './store';
import { useAutoLabelsStore } from './store/labels';

export class LabelsController {
  private readonly subscribe: () => Promise<void>;

  constructor(private readonly app: AppController) {
    this.subscribe = app.engineListener((e: EngineEvent) => {
      if (e.type === 'labels-progress') useAutoLabelsStore.getState().setProgress({ imageId: e.imageId, stage: e.stage, done: e.done, total: e.total, elapsedMs: e.elapsedMs });
    });
  }

  async makeLabels(imageId: string, opts: MakeLabelsOptions): Promise<VolumeInfo> {
    await this.subscribe();
    const st = useAutoLabelsStore.getState();
    st.setRunning(true);
    const done = useAppStore.getState().beginTask('Labelling automatically');
    const t0 = performance.now();
    try {
      const r = await this.app.engine.makeLabels(imageId, opts);
      await this.app.addLoaded(r);
      const names = Object.values(r.info.labels ?? {}).join(', ');
      useAppStore.getState().pushMessage('info', `Labelled ${names} automatically in ${((performance.now() - t0) / 1000).toFixed(1)} s; training now uses these labels for this scan.`);
      return structuredClone(r.info);
    } catch (e) {
      return reportFailure(e);
    } finally {
      useAutoLabelsStore.getState().setRunning(false);
      done();
    }
  }

  async cancel(): Promise<boolean> {
    return this.app.engine.cancelLabels();
  }
}
