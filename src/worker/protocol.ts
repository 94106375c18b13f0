/**
 * The typed surface between the UI thread and the engine worker. The worker is thin: each method
 * forwards to `src/core/engines`. Calls go through comlink; large buffers are transferred, not copied.
 */
import type { BackendStatus, ErrorMapSnapshot, LoadOptions, ModelSummary, SegmentOptions, SegmentResultInfo, TrainingStatus, TrainOptions, VolumeInfo } from '../api/types';
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

export interface SegmentReply {
  result: SegmentResultInfo;
  label: LoadedVolume;
  map?: LoadedVolume;
}

export interface EngineApi {
  /** `modelIndexUrl`: absolute URL of the bundled models' index.json. */
  init(opts: { modelIndexUrl?: string }): Promise<BackendStatus>;
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
  segment(imageId: string, opts: SegmentOptions): Promise<SegmentReply>;
  cancelSegmentation(): Promise<boolean>;
  exportVolume(id: string): Promise<Uint8Array>;
  labelTableText(id: string): Promise<string>;
  replaceLabelData(id: string, nifti: ArrayBuffer): Promise<VolumeInfo>;
  models(): Promise<ModelSummary[]>;
  loadModel(files: NamedBytes[], name?: string): Promise<ModelSummary>;
  saveModel(id: string): Promise<string>;
  modelFiles(id: string): Promise<{ modelJson: string; weights: ArrayBuffer }>;
}
