/**
 * The typed surface between the UI thread and the engine worker. The worker is thin: each method
 * forwards to `src/core/engines`. Calls go through comlink; large buffers are transferred, not copied.
 */
import type { BackendStatus, ErrorMapSnapshot, LoadOptions, TrainingStatus, TrainOptions, VolumeInfo } from '../api/types';
import type { EngineEvent } from './events';

export interface NamedBytes {
  name: string;
  bytes: ArrayBuffer;
}

export interface LoadedVolume {
  info: VolumeInfo;
  /** The volume as an uncompressed NIfTI-1 file, for the viewer. */
  nifti: ArrayBuffer;
}

export interface EngineApi {
  init(): Promise<BackendStatus>;
  loadVolume(files: NamedBytes[], opts: LoadOptions): Promise<LoadedVolume>;
  /** Removes a volume and the label maps attached to it; returns the ids removed. */
  removeVolume(id: string): Promise<string[]>;
  volumes(): Promise<VolumeInfo[]>;
  /** Registers the UI's event handler (a comlink proxy). */
  subscribe(handler: (e: EngineEvent) => void | Promise<void>): Promise<void>;
  train(opts: TrainOptions): Promise<{ runId: string; runName: string; iterations: number; preset: string }>;
  pauseTraining(): Promise<void>;
  resumeTraining(): Promise<void>;
  stopTraining(): Promise<void>;
  trainingStatus(): Promise<TrainingStatus>;
  errorMap(imageId: string): Promise<ErrorMapSnapshot>;
}
