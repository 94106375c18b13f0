/**
 * The engine's contract: the data it takes and returns, the events it emits, and `EngineProtocol`, the
 * methods it answers. `Engine` implements `EngineProtocol`; the worker protocol (`src/worker/protocol.ts`)
 * is derived from it (every answer a promise), the UI calls it through comlink, and the public scripting
 * API (`src/api/types.ts`, `window.workbench`) re-exports these data types. One source, so the compiler
 * checks that engine, worker, client and `window.workbench` agree.
 *
 * Plain data only: no DOM types (`File` belongs to `src/api`), no tfjs tensors.
 */
import type { BackendName } from '../backend/device';
import type { WorkbenchErrorCode } from '../errors';
import type { PresetName } from '../networks/presets';
import type { LossName } from '../losses/loss-names';
import type { NamedBytes } from './load-volume';
import type { OrganStatistics } from '../metrics/statistics';
import type { ExportFormat } from '../data/export';

export type { BackendName, ExportFormat, NamedBytes, OrganStatistics, PresetName };

/** 'map' (an extension): a continuous map derived from an image, e.g. a probability map; `imageId` names it. */
export type Role = 'image' | 'label' | 'map';

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
  /** Extension: where it came from ('segmentation': made by `segment`; 'auto-labels': made by `makeLabels`; possibly edited since). */
  origin?: 'file' | 'segmentation' | 'auto-labels';
  /** What the reader repaired or assumed while loading (one sentence each); absent when nothing. */
  warnings?: string[];
}

export interface BackendStatus {
  name: BackendName;
  adapter: string;
  /** Why WebGPU is not in use, in a plain sentence; absent when it is. */
  reason?: string;
  /**
   * True when compute runs on the CPU (a software adapter such as SwiftShader, or a backend other than
   * WebGPU): the engine's `Device.software`, decided once in src/core/backend (adapter.ts).
   */
  software: boolean;
}

export interface LoadOptions {
  name?: string;
  role?: Role;
  imageId?: string;
  /** A label table for a label map: text in any supported format, or index → name. */
  labelTable?: string | Record<number, string>;
}

// ---- Training ----

export type SamplerName = 'isample' | 'uniform';
export type { LossName };
export type TrainingState = 'idle' | 'running' | 'paused' | 'done' | 'error';

export interface TrainOptions {
  /** Image ids; each must have a label map attached. */
  images: string[];
  /** Image ids for whole-volume validation Dice (labels attached). */
  validation?: string[];
  /** Label values to learn (background 0 is always class 0); default: all present in the training labels. */
  classes?: number[];
  /**
   * Partially labelled scans: image id → the label values (of `classes`) that its label map labels. Voxels of
   * label 0 in that scan then mean "background or one of the classes it does not label", and training uses
   * the marginal loss there (the probabilities of unlabelled classes are summed into background), so an organ
   * left unlabelled in one scan is still learned from the others. Values of unlisted classes found in the map
   * are treated as unlabelled too. Default for a scan not listed: the classes that occur in its label map
   * (at the training spacing), i.e. a class absent from a scan is never taught as background there.
   */
  labelledClasses?: Record<string, number[]>;
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
  /** The `WorkbenchError` code of `error`, when it had one (e.g. "diverged"). */
  errorCode?: WorkbenchErrorCode;
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

// ---- Segmentation ----

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
  /**
   * Why the result may not be trusted, one sentence each (what was found, what the model needs, what to do):
   * the scan is thinner along an axis than half of what the model sees, it is not a CT in HU, or no organ
   * voxel was found. Absent when there is nothing to say. The result is returned all the same.
   */
  warnings?: string[];
}

export interface SegmentProgressInfo {
  imageId: string;
  stage: 'prepare' | 'infer' | 'finish';
  tilesDone: number;
  tilesTotal: number;
  elapsedMs: number;
  etaMs?: number;
}

export interface ExportOptions {
  /** 'nifti' (default, .nii.gz), 'nrrd' (gzip encoding), 'mha' (MetaImage, zlib); 'dicom-seg' is not in this build. */
  format?: ExportFormat;
}

// ---- Labels without supervision ----

export type AutoStructure = 'body' | 'lungs' | 'bone';

export interface MakeLabelsOptions {
  /** Which structures to label; the label table is fixed: 1 body, 2 lung_left, 3 lung_right, 4 bone. */
  structures: AutoStructure[];
  /** Morphology: 'fft' (3-D FFT convolution), 'direct' (exact distance transform), 'auto' (the faster, measured). */
  method?: 'auto' | 'fft' | 'direct';
}

export interface LabelsProgressInfo {
  imageId: string;
  stage: 'check' | AutoStructure;
  done: number;
  total: number;
  elapsedMs: number;
}

// ---- Events ----

/**
 * Events the engine emits while it trains or segments; the worker forwards them unchanged to the UI.
 * Voxel payloads are in the image's own grid (the viewer's), as E × 255 or counts scaled to 0..255.
 */
export type EngineEvent =
  | { type: 'state'; runId: string; state: TrainingState; error?: string; code?: WorkbenchErrorCode }
  | { type: 'iteration'; runId: string; iteration: number; iterations: number; loss: number; lr: number; acceptRate: number; msPerIteration: number; numTensors: number }
  | { type: 'validation'; runId: string; iteration: number; dice: Record<string, number> }
  | { type: 'error-map'; runId: string; imageId: string; iteration: number; dims: [number, number, number]; data: Uint8Array }
  | { type: 'density'; runId: string; imageId: string; iteration: number; dims: [number, number, number]; data: Uint8Array }
  | { type: 'segment-progress'; imageId: string; stage: 'prepare' | 'infer' | 'finish'; tilesDone: number; tilesTotal: number; elapsedMs: number; etaMs?: number }
  | { type: 'labels-progress'; imageId: string; stage: 'check' | AutoStructure; done: number; total: number; elapsedMs: number }
  | { type: 'models-changed' }
  | { type: 'log'; level: 'info' | 'warn'; text: string };

/** Handles one event; the engine waits for the returned promise before more GPU work (see TrainerDeps.emit). */
export type EngineListener = (e: EngineEvent) => void | Promise<void>;

// ---- The engine's methods ----

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

/** A started training run. */
export interface TrainRun {
  runId: string;
  runName: string;
  iterations: number;
  preset: PresetName;
}

/** A model as tfjs files: model.json (its manifest names weights.bin) and the weights. */
export interface ModelBytes {
  modelJson: string;
  weights: ArrayBuffer;
}

export interface EngineInitOptions {
  /** Backends to try, in order (default webgpu → webgl → cpu). */
  backends?: BackendName[];
  /** Absolute URL of the bundled models' index.json. */
  modelIndexUrl?: string;
  /** Also list the models saved in this browser (IndexedDB). */
  savedModels?: boolean;
}

/** The engine answers at once or later; across the worker every answer is a promise. */
type Awaitable<T> = T | Promise<T>;

/**
 * What the engine answers, written once. Every argument and answer is plain data that structured clone
 * can copy (the worker moves large buffers instead of copying them). Errors are `WorkbenchError`s, whose
 * `code` and `file` cross the worker (see `src/worker/transfer-errors.ts`).
 */
export interface EngineProtocol {
  /** Chooses the backend and lists the models; a missing model index is not an error. */
  init(opts?: EngineInitOptions): Awaitable<BackendStatus>;
  loadVolume(files: NamedBytes[], opts?: LoadOptions): Awaitable<LoadedVolume>;
  /**
   * Removes a volume and the label maps attached to it; returns the ids removed. Rejects with code "busy"
   * (nothing removed) while a running or paused training run uses it, or while it is being segmented or labelled.
   */
  removeVolume(id: string): Awaitable<string[]>;
  volumes(): Awaitable<VolumeInfo[]>;
  /** Resolves once training has started; progress comes as events. Rejects with code "busy" while another run is running or paused. */
  train(opts: TrainOptions): Awaitable<TrainRun>;
  pauseTraining(): Awaitable<void>;
  resumeTraining(): Awaitable<void>;
  stopTraining(): Awaitable<void>;
  trainingStatus(): Awaitable<TrainingStatus>;
  errorMap(imageId: string): Awaitable<ErrorMapSnapshot>;
  segment(imageId: string, opts?: SegmentOptions): Awaitable<SegmentReply>;
  /** Stops a running segmentation (it rejects with code "cancelled"); false when none runs. */
  cancelSegmentation(): Awaitable<boolean>;
  /**
   * Labels without supervision (thresholds + ball morphology): a label map attached to the image, with the
   * table body, lung_left, lung_right, bone. Rejects with code "not-ct" for a volume that is not a CT in HU.
   */
  makeLabels(imageId: string, opts: MakeLabelsOptions): Awaitable<LoadedVolume>;
  /** Stops a running makeLabels (it rejects with code "cancelled"); false when none runs. */
  cancelLabels(): Awaitable<boolean>;
  /**
   * A volume's bytes in its own grid: `.nii.gz` by default (label maps as uint8 with intent "label"),
   * a gzip-encoded `.nrrd` or a zlib-compressed `.mha` when asked for (see `ExportOptions`).
   */
  exportVolume(id: string, opts?: ExportOptions): Awaitable<Uint8Array>;
  /**
   * Per-organ statistics of a label map (one row per label present, ascending, background excluded):
   * voxels, mL, mean/SD/min/max HU of its image, centroid and bounding box in RAS mm.
   */
  statistics(labelId: string): Awaitable<OrganStatistics[]>;
  /** "index name" lines for a label map (the table that goes with an export). */
  labelTableText(id: string): Awaitable<string>;
  /** Replaces a label map's voxels with an edited version (a NIfTI on the same grid). */
  replaceLabelData(id: string, nifti: ArrayBuffer): Awaitable<VolumeInfo>;
  models(): Awaitable<ModelSummary[]>;
  /** A tfjs model (model.json + weights files). */
  loadModel(files: NamedBytes[], name?: string): Awaitable<ModelSummary>;
  /** Saves a model in this browser (IndexedDB); returns its key. */
  saveModel(id: string): Awaitable<string>;
  modelFiles(id: string): Awaitable<ModelBytes>;
}
