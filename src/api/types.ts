/**
 * The public scripting contract: `window.workbench`. Names and shapes here are kept stable;
 * new members may be added. Documented in README.md ("Scripting API").
 */
/** 'map' (an extension): a continuous map derived from an image, e.g. a probability map; `imageId` names it. */
export type Role = 'image' | 'label' | 'map';
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
  /** Extension: where it came from ('segmentation': made by `segment`, possibly edited since). */
  origin?: 'file' | 'segmentation';
  /** What the reader repaired or assumed while loading (one sentence each); absent when nothing. */
  warnings?: string[];
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
  lastMessage(): { kind: 'info' | 'warning' | 'error'; text: string } | undefined;
  /** Shows a volume in the viewer (an image, with its label maps as overlays). */
  show(id: string): void;
  /** CT window presets. */
  setWindow(preset: WindowPreset | { min: number; max: number }): void;

  // ---- Training ----
  /** Resolves once training has started. */
  train(opts: TrainOptions): Promise<void>;
  trainingStatus(): TrainingStatus;
  stopTraining(): Promise<void>;
  pauseTraining(): Promise<void>;
  resumeTraining(): Promise<void>;
  errorMap(imageId: string): Promise<ErrorMapSnapshot>;

  // ---- Segmentation ----
  segment(imageId: string, opts?: SegmentOptions): Promise<SegmentResultInfo>;
  /** Extension: stops a running segment() (it rejects with a "cancelled" message). */
  cancelSegmentation(): Promise<void>;
  /** .nii.gz bytes in that volume's grid. */
  exportVolume(id: string): Promise<Uint8Array>;
  models(): ModelSummary[];
  /** Extension: a tfjs model (model.json + weights files). */
  loadModel(files: File[]): Promise<ModelSummary>;
  /** Extension: keeps a model in this browser (IndexedDB); resolves to its key. */
  saveModel(id: string): Promise<string>;
}

export type WindowPreset = 'soft-tissue' | 'lung' | 'bone' | 'full';

// ---- Training (issue: train the dual-path CNN) ----

export type PresetName = 'tiny' | 'small' | 'paper';
export type SamplerName = 'isample' | 'uniform';
export type LossName = 'cross-entropy' | 'iou' | 'dice';
export type TrainingState = 'idle' | 'running' | 'paused' | 'done' | 'error';

export interface TrainOptions {
  /** Image ids; each must have a label map attached. */
  images: string[];
  /** Image ids for whole-volume validation Dice (labels attached). */
  validation?: string[];
  /** Label values to learn (background 0 is always class 0); default: all present in the training labels. */
  classes?: number[];
  preset?: PresetName;
  sampler?: SamplerName;
  /** isample's ε (0.01 default; 1 behaves as uniform sampling). */
  epsilon?: number;
  loss?: LossName;
  iterations?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  /** Training grid spacing in mm (x, y, z); default: the preset's. */
  spacing?: [number, number, number];
  /** Recompute one training image's error map every this many iterations (default 25). */
  errorMapEvery?: number;
  /** Validation Dice every this many iterations (default 50). */
  validateEvery?: number;
  /** Geometric augmentation on/off (default on). */
  augment?: boolean;
  /** Patches of one batch come from this many scans (paper: 1; multi-organ: 2). */
  scansPerBatch?: number;
  /** A name for the run in charts (default: sampler and ε). */
  runName?: string;
  /**
   * Intensity augmentation per patch (default off): v ← v·scale + shift in scaled units (and gamma, noise).
   * `true` uses the default ranges (scale U(0.9, 1.1), shift U(−0.1, 0.1), gamma U(0.8, 1.25), noise σ U(0, 0.05));
   * an object overrides some of them.
   */
  photometric?: boolean | { scale?: [number, number]; shift?: [number, number]; gamma?: [number, number]; noiseSigma?: [number, number] };
  /** Loss weight per class, background first (length = classes + 1); default all 1. */
  classWeights?: number[];
  /**
   * Start from a model's weights (an id from `models()`: a checkpoint saved in the browser, uploaded, or
   * trained earlier) instead of a fresh Glorot initialisation. Preset and classes must match the model's.
   */
  resumeFrom?: string;
}

export interface TrainingStatus {
  state: TrainingState;
  iteration: number;
  loss: number;
  lossHistory: number[];
  acceptRate: number;
  valDice?: Record<string, number>;
  numTensors: number;
  error?: string;
  /** Extensions beyond the contract. */
  iterations?: number;
  lr?: number;
  runId?: string;
  msPerIteration?: number;
}

export interface ErrorMapSnapshot {
  dims: [number, number, number];
  /** E × 255 in the image's own grid. */
  data: Uint8Array;
  updatedAtIteration: number;
}

// ---- Segmentation (issue: segment a scan) ----

export interface ModelSummary {
  id: string;
  name: string;
  /** Class names, background first. */
  classes: string[];
  spacingMm: number[];
  /** Extensions: */
  preset?: PresetName;
  parameters?: number;
  source?: 'bundled' | 'trained' | 'uploaded' | 'saved';
  provenance?: { date?: string; seed: number; data?: string; iterations?: number; gitCommit?: string };
}

export interface SegmentOptions {
  /** Model id from `models()`; default: the first bundled model, else the latest trained one. */
  model?: string;
  /** Keep the largest connected component per class (26-connectivity); default true. */
  postprocess?: boolean;
  /** Extension: also make a probability map (the winning class's probability) as a 'map' volume. */
  probabilities?: boolean;
}

export interface SegmentResultInfo {
  /** A new label volume on the scan. */
  labelId: string;
  labels: Record<number, string>;
  volumesMl: Record<string, number>;
  /** Per organ, when a reference label map is attached to the scan. */
  dice?: Record<string, number>;
  /** Extensions: */
  iou?: Record<string, number>;
  ms: number;
  /** The probability map's volume id, when asked for. */
  mapId?: string;
}

export interface SegmentProgressInfo {
  imageId: string;
  stage: 'prepare' | 'infer' | 'finish';
  tilesDone: number;
  tilesTotal: number;
  elapsedMs: number;
  etaMs?: number;
}
