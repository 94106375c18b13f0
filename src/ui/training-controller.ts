/**
 * Training from the UI and from `window.workbench`: starts runs in the engine worker, mirrors its events
 * into the training store (charts, status) and the overlays (error map, patch-centre density).
 */
import type { ErrorMapSnapshot, TrainingStatus, TrainOptions } from '../api/types';
import type { EngineEvent } from '../worker/protocol';
import type { AppController } from './controller';
import { reportFailure } from './failures';
import { demoTrainingDefaults } from '../core/engines/training-defaults';
import { softwareCompute, useAppStore } from './store';
import { useTrainingStore } from './store/training';

export class TrainingController {
  private readonly subscribe: () => Promise<void>;

  constructor(private readonly app: AppController) {
    this.subscribe = app.engineListener((e) => this.onEvent(e));
  }

  /** For voxel events the engine waits on the returned promise before more GPU work (see TrainerDeps.emit). */
  private async onEvent(e: EngineEvent): Promise<void> {
    useTrainingStore.getState().apply(e);
    if (e.type === 'error-map' || e.type === 'density') {
      const info = useAppStore.getState().volumes.find((v) => v.id === e.imageId);
      if (!info) return;
      const onScreen = useAppStore.getState().activeImageId === e.imageId;
      await this.app.overlays.update(e.type === 'error-map' ? 'error' : 'density', info, e.data, e.iteration, onScreen);
      // Let the viewer draw the new overlay before the GPU gets busy again: the second animation frame
      // starts only after the first (the one with the new overlay) was produced.
      for (let i = 0; i < 2; i++) await new Promise<void>((r) => requestAnimationFrame(() => r()));
    } else if (e.type === 'state' && e.state === 'error') {
      await this.app.setLightView(false);
      useAppStore.getState().pushMessage('error', `Training stopped: ${e.error}`);
    } else if (e.type === 'state' && e.state === 'done') {
      await this.app.setLightView(false);
      useAppStore.getState().pushMessage('info', 'Training finished.');
    }
  }

  /**
   * Before the run: the error-map overlay (E = 1 everywhere) is created now, so that during training only
   * its voxels change; and on a software adapter the viewer turns light (see AppController.setLightView).
   */
  private async prepareViewer(opts: TrainOptions): Promise<void> {
    if (softwareCompute()) await this.app.setLightView(true);
    const { volumes, activeImageId } = useAppStore.getState();
    for (const id of opts.images) {
      const info = volumes.find((v) => v.id === id);
      if (!info) continue;
      const full = new Uint8Array(info.dims[0] * info.dims[1] * info.dims[2]).fill(255);
      await this.app.overlays.update('error', info, full, 0, activeImageId === id);
    }
  }

  /** Resolves once the run has started. */
  async train(opts: TrainOptions): Promise<void> {
    await this.subscribe();
    try {
      await this.prepareViewer(opts);
      const run = await this.app.engine.train(opts);
      useTrainingStore.getState().startRun(run.runId, run.runName, { ...opts, iterations: run.iterations, preset: run.preset });
    } catch (e) {
      await this.app.setLightView(false);
      reportFailure(e);
    }
  }

  /** One click: the demo scan (loaded if needed), trained with defaults that suit this machine's GPU. */
  async trainOnDemo(): Promise<void> {
    let vols = useAppStore.getState().volumes;
    let image = vols.find((v) => v.role === 'image' && v.name === 'ct.nii.gz' && vols.some((l) => l.imageId === v.id));
    if (!image) {
      await this.app.loadDemo();
      vols = useAppStore.getState().volumes;
      image = vols.find((v) => v.role === 'image' && vols.some((l) => l.imageId === v.id))!;
    }
    await this.train({ images: [image.id], validation: [image.id], ...demoTrainingDefaults(softwareCompute()) });
  }

  pause(): Promise<void> {
    return this.app.engine.pauseTraining();
  }

  resume(): Promise<void> {
    return this.app.engine.resumeTraining();
  }

  stop(): Promise<void> {
    return this.app.engine.stopTraining();
  }

  status(): TrainingStatus {
    const s = useTrainingStore.getState().status;
    return { ...s, lossHistory: [...s.lossHistory], valDice: s.valDice && { ...s.valDice } };
  }

  errorMap(imageId: string): Promise<ErrorMapSnapshot> {
    return this.app.engine.errorMap(imageId);
  }
}
