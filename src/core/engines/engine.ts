/**
 * The engine facade: one per worker (or Node process). It owns the compute backend and the loaded
 * volumes; training and inference are added beside it. Every method takes and returns plain data.
 */
import type { BackendStatus, ErrorMapSnapshot, LoadOptions, TrainingStatus, TrainOptions, VolumeInfo } from '../../api/types';
import type { EngineEvent } from '../../worker/events';
import { initBackend, type ActiveBackend, type BackendName } from '../backend/select';
import { DEMO_LABELS, writeNifti, type LabelTable } from '../data';
import { VolumeStore } from './volume-store';
import { loadVolumeIntoStore, type NamedBytes } from './load-volume';
import { Trainer } from './trainer';

export interface LoadedVolume {
  info: VolumeInfo;
  nifti: ArrayBuffer;
}

function builtInTables(name: string): LabelTable | undefined {
  return /labels-organs4/i.test(name) ? DEMO_LABELS : undefined;
}

export class Engine {
  readonly store = new VolumeStore();
  readonly trainer: Trainer;
  private backendInfo?: ActiveBackend;
  private readonly listeners = new Set<(e: EngineEvent) => void | Promise<void>>();

  constructor() {
    this.trainer = new Trainer({ store: this.store, emit: (e) => this.emit(e) });
  }

  /** Subscribes to training and inference events; returns an unsubscribe function. */
  onEvent(listener: (e: EngineEvent) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when every listener has handled the event (see TrainerDeps.emit). */
  private async emit(e: EngineEvent): Promise<void> {
    await Promise.all([...this.listeners].map((l) => l(e)));
  }

  async init(order?: BackendName[]): Promise<BackendStatus> {
    this.backendInfo ??= await initBackend(order);
    const { name, adapter, reason } = this.backendInfo.info;
    return reason ? { name, adapter, reason } : { name, adapter };
  }

  get backend(): ActiveBackend | undefined {
    return this.backendInfo;
  }

  async loadVolume(files: NamedBytes[], opts: LoadOptions = {}): Promise<LoadedVolume> {
    const item = await loadVolumeIntoStore(files, opts, {
      store: this.store,
      limits: this.backendInfo?.info.limits,
      builtInTables,
    });
    const bytes = writeNifti(item.volume, { gzip: false, intent: item.info.role === 'label' ? 'label' : 'image' });
    const nifti = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return { info: item.info, nifti };
  }

  removeVolume(id: string): string[] {
    return this.store.remove(id);
  }

  volumes(): VolumeInfo[] {
    return this.store.list();
  }

  /** Resolves once training has started (data prepared, network built); progress comes as events. */
  async train(opts: TrainOptions): Promise<{ runId: string; runName: string; iterations: number; preset: string }> {
    const { runId, plan } = await this.trainer.start(opts);
    return { runId, runName: plan.runName, iterations: plan.iterations, preset: plan.preset };
  }

  pauseTraining(): void {
    this.trainer.pause();
  }

  resumeTraining(): void {
    this.trainer.resume();
  }

  stopTraining(): Promise<void> {
    return this.trainer.stop();
  }

  trainingStatus(): TrainingStatus {
    return this.trainer.status();
  }

  errorMap(imageId: string): ErrorMapSnapshot {
    return this.trainer.errorMap(imageId);
  }
}
