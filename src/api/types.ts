/**
 * The public scripting contract: `window.workbench`. Names and shapes here are kept stable;
 * new members may be added. Documented in README.md ("Scripting API").
 *
 * The data types are the engine's own (`src/core/engines/contract.ts`), re-exported here; this file
 * adds what only a browser has (`File` sources) and the `Workbench` interface itself.
 */
import type { LoadOptions, VolumeInfo, BackendStatus, TrainOptions, TrainingStatus, ErrorMapSnapshot, SegmentOptions, SegmentResultInfo, ModelSummary, MakeLabelsOptions, ExportOptions, OrganStatistics } from '../core/engines/contract';

export type {
  AutoStructure, BackendName, BackendStatus, ExportFormat, ExportOptions, LabelsProgressInfo, MakeLabelsOptions, ErrorMapSnapshot, LoadOptions, OrganStatistics, LossName, ModelSummary, PresetName, Role, SamplerName,
  SegmentOptions, SegmentProgressInfo, SegmentResultInfo, TrainingState, TrainingStatus, TrainOptions, VolumeInfo,
} from '../core/engines/contract';

export type VolumeSource = string | ArrayBuffer | File | File[];

export interface Workbench {
  ready: Promise<void>;
  backend(): BackendStatus;
  loadVolume(source: VolumeSource, opts?: LoadOptions): Promise<VolumeInfo>;
  volumes(): VolumeInfo[];
  /**
   * Removes a volume (an image with its label maps); resolves once removed. Extension: rejects with code
   * 'busy' (and shows the sentence) while a training run, a segmentation or automatic labelling uses it.
   */
  removeVolume(id: string): Promise<void>;
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
  // ---- Labels without supervision ----
  /**
   * Body, lungs (left, right) and bone from HU thresholds and 3-D ball morphology, attached to the image as
   * a label map (1 body, 2 lung_left, 3 lung_right, 4 bone) that trains like any label map. Rejects with a
   * sentence for a volume that is not a CT in HU (e.g. an MR).
   */
  makeLabels(imageId: string, opts: MakeLabelsOptions): Promise<VolumeInfo>;
  /** Stops a running makeLabels (it rejects with a "cancelled" message). */
  cancelLabels(): Promise<void>;
  /**
   * A volume's bytes in its own grid (edits included): `.nii.gz` by default; `{ format: 'nrrd' }` a
   * gzip-encoded `.nrrd` (space left-posterior-superior), `{ format: 'mha' }` a zlib-compressed MetaImage.
   * 'dicom-seg' rejects with code 'not-available' in this build.
   */
  exportVolume(id: string, opts?: ExportOptions): Promise<Uint8Array>;
  /**
   * Per organ of a label map (one row per label present, ascending, background excluded): voxels, volume in
   * mL, mean / SD / min / max HU of its image, centroid and bounding box (voxel edges) in RAS mm.
   */
  statistics(labelId: string): Promise<OrganStatistics[]>;
  models(): ModelSummary[];
  /** Extension: a tfjs model (model.json + weights files). */
  loadModel(files: File[]): Promise<ModelSummary>;
  /** Extension: keeps a model in this browser (IndexedDB); resolves to its key. */
  saveModel(id: string): Promise<string>;
}

export type WindowPreset = 'soft-tissue' | 'lung' | 'bone' | 'full';
