/**
 * The public scripting contract: `window.workbench`. Names and shapes here are kept stable;
 * new members may be added. Documented in README.md ("Scripting API").
 */
export type Role = 'image' | 'label';
export type BackendName = 'webgpu' | 'webgl' | 'cpu';

export interface VolumeInfo {
  id: string;
  name: string;
  role: Role;
  /** For a label map: the image it belongs to. */
  imageId?: string;
  dims: [number, number, number];
  spacing: [number, number, number];
  /** 16 numbers, row-major, voxel index → world mm (RAS). */
  affine: number[];
  min: number;
  max: number;
  /** Label index → name, for label maps. */
  labels?: Record<number, string>;
}

export interface BackendStatus {
  name: BackendName;
  adapter: string;
  /** Why WebGPU is not in use, in a plain sentence; absent when it is. */
  reason?: string;
}

export interface LoadOptions {
  name?: string;
  role?: Role;
  imageId?: string;
  /** A label table for a label map: text in any supported format, or index → name. */
  labelTable?: string | Record<number, string>;
}

export type VolumeSource = string | ArrayBuffer | File | File[];

export interface Workbench {
  ready: Promise<void>;
  backend(): BackendStatus;
  loadVolume(source: VolumeSource, opts?: LoadOptions): Promise<VolumeInfo>;
  volumes(): VolumeInfo[];
  removeVolume(id: string): void;
  /** The last message shown to the user (errors included), for scripts and tests. */
  lastMessage(): { kind: 'info' | 'error'; text: string } | undefined;
  /** Shows a volume in the viewer (an image, with its label maps as overlays). */
  show(id: string): void;
  /** CT window presets. */
  setWindow(preset: WindowPreset | { min: number; max: number }): void;
}

export type WindowPreset = 'soft-tissue' | 'lung' | 'bone' | 'full';
