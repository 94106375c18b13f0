/**
 * `window.workbench`: the public scripting API (see README, "Scripting API"). A thin layer over the
 * controller, so scripts, e2e tests and demos drive exactly what the UI drives.
 */
import type { Workbench } from '../api/types';
import type { EngineApi } from '../worker/protocol';
import type { AppController } from './controller';
import type { TrainingController } from './training-controller';
import type { SegmentController } from './segment-controller';
import type { LabelsController } from './labels-controller';
import { useAppStore } from './store';

declare global {
  interface Window {
    workbench: Workbench & WorkbenchInternals;
  }
}

/**
 * The members `window.workbench` answers exactly as the engine does: the compiler checks that the public
 * contract and the engine's (src/core/engines/contract.ts) agree on them.
 */
type SameAsEngine = 'pauseTraining' | 'resumeTraining' | 'stopTraining' | 'errorMap' | 'exportVolume' | 'statistics' | 'saveModel' | 'models' | 'volumes' | 'trainingStatus';
type AsEngine = { [K in SameAsEngine]: (...a: Parameters<Workbench[K]>) => Promise<Awaited<ReturnType<Workbench[K]>>> };
type EngineSide = Pick<EngineApi, SameAsEngine>;
export type EngineAgreesWithWorkbench = [AsEngine, EngineSide] extends [EngineSide, AsEngine] ? true : never;
const _engineAgreesWithWorkbench: EngineAgreesWithWorkbench = true;
void _engineAgreesWithWorkbench;

/** Extra members for tests and power users; not part of the stable contract. */
export interface WorkbenchInternals {
  viewerLayers(): { id: string; name: string; kind: string; dims: number[]; opacity: number; calMin: number; calMax: number; mean?: number; shownAs: 'volume' | 'drawing' }[];
}

export function installWorkbenchApi(controller: AppController, training: TrainingController, segment: SegmentController, ready: Promise<void>, labels: LabelsController): void {
  const api: Workbench & WorkbenchInternals = {
    ready,
    backend() {
      const b = useAppStore.getState().backend;
      if (!b) throw new Error('The compute backend is not ready yet; await workbench.ready first.');
      return { ...b };
    },
    loadVolume: (source, opts) => controller.loadVolume(source, opts),
    volumes: () => useAppStore.getState().volumes.map((v) => structuredClone(v)),
    removeVolume: (id) => controller.removeVolume(id),
    lastMessage() {
      const m = useAppStore.getState().messages.at(-1);
      return m ? { kind: m.kind, text: m.text } : undefined;
    },
    show: (id) => void controller.show(id),
    setWindow: (w) => controller.setWindow(w),
    viewerLayers: () => controller.viewerState,
    train: (opts) => training.train(opts),
    trainingStatus: () => training.status(),
    stopTraining: () => training.stop(),
    pauseTraining: () => training.pause(),
    resumeTraining: () => training.resume(),
    errorMap: (imageId) => training.errorMap(imageId),
    segment: (imageId, opts) => segment.segment(imageId, opts),
    cancelSegmentation: () => segment.cancel().then(() => undefined),
    makeLabels: (imageId, opts) => labels.makeLabels(imageId, opts),
    cancelLabels: () => labels.cancel().then(() => undefined),
    exportVolume: (id, opts) => segment.exportVolume(id, opts),
    statistics: (labelId) => segment.statistics(labelId),
    models: () => segment.models(),
    loadModel: (files) => segment.loadModelFiles(files),
    saveModel: (id) => segment.saveModel(id),
  };
  window.workbench = api;
}
