/**
 * The typed surface between the UI thread and the engine worker. The worker is thin: each method
 * forwards to `src/core/engines`. Calls go through comlink; large buffers are transferred, not copied.
 */
import type { BackendStatus, LoadOptions, VolumeInfo } from '../api/types';

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
}
