/**
 * Segmenting a scan with a trained dual-path network ("segment a scan").
 *
 * Steps: the scan is reoriented to canonical RAS (lossless), resampled trilinearly to the model's training
 * spacing and clamped/scaled with the model's normalisation (`prepareTrainingGrid`, the same code that builds
 * training grids); uploaded once; run through the sliding window (tiles cut on the GPU, network in inference
 * mode, softmax); argmax per voxel; optionally the largest 26-connected component per class; mapped back to
 * the scan's own grid and affine (nearest neighbour, `toScanGrid`); volumes in mL; Dice/IoU against a
 * reference label map whose values are matched to the model's classes by name.
 *
 * Tiles: the network has valid convolutions only and tile origins are multiples of the context factor, so a
 * voxel gets exactly the same logits from every tile that covers it (sliding-window-plan.ts). Overlap and
 * Gaussian blending therefore change nothing but the cost (×(1/(1−o))³, ≈8× at o = 0.5); the default is no
 * overlap and constant weights on every adapter (predictor.test.ts checks that 0.5 + Gaussian gives the same
 * labels). Tile size: `evaluationTileSize` (largest the device's buffers allow, fewest computed voxels).
 *
 * Memory, for a scan of N voxels stored with b bytes per voxel mapped to a training grid of n voxels
 * (n ≈ N·(scan spacing / model spacing)³, e.g. 512×512×600 at 0.7 mm → 3 mm: N = 157 M, n ≈ 2.2 M):
 * - the caller's scan (N·b); a reoriented copy (N·b) while the training grid is built, released after;
 * - training grid: image float32 (4n), on the GPU once more (4n); labels uint8 (n), confidence float32 (4n),
 *   largest-component work arrays (8n); one float32 probability slab of one tile's depth of z-slices
 *   (nx·ny·T·K·4, plus its weights) — never the whole probability volume;
 * - GPU: one tile's activations, (T + 2r_f)³ × widest channels × 4 bytes, bounded by the device limit;
 * - output: the label map on the scan grid, uint8 (N) plus a transient copy (N) when reorienting back;
 *   with a reference, its integer copy (N, or 4N above 255 labels) and the remapped classes (N);
 * - per requested probability class: float32 on the training grid (4n) and on the scan grid (4N);
 *   confidence (when asked): uint8 on the scan grid (N) via float32 (4N) transiently.
 * So it scales with the scan's voxel count in bytes (≈ 3–5 N for a plain segmentation), not with N·K·4.
 */
import type { Device } from '../backend/device';
import { checkLabelMatchesImage, labelArray, type Vec3, type Volume } from '../data';
import { errorMessage, isWorkbenchError, WorkbenchError } from '../errors';
import { argmaxCollector, largestComponentPerClass, slidingWindowStream, type BlendMode, type ProbabilitySink } from '../inferers';
import { computeDice, computeIoU, volumesMl as classVolumesMl } from '../metrics';
import { receptiveField, type DualPathNet, type Normalisation } from '../networks';
import { uploadTrainingSet } from '../transforms';
import { evaluationTileSize, netPredictor } from './evaluation';
import { prepareTrainingGrid, toScanGrid, unitToBytes, type TrainingGrid } from './training-data';
import { emptyResultWarning, hasOrganVoxel, modelPhrase, notCtWarning, thinScanWarnings } from './scan-fit';

/** What the predictor needs to know about a model besides its weights (a subset of `ModelTopology`). */
export interface PredictorModelMeta {
  /** One name per output class, background first. */
  classNames: string[];
  /** Training grid spacing (x, y, z) mm. */
  trainingSpacing: Vec3;
  normalisation: Normalisation;
}

export interface SegmentProgress {
  stage: 'prepare' | 'infer' | 'finish';
  tilesDone: number;
  tilesTotal: number;
  elapsedMs: number;
  /** Estimated time left in ms (from the time per tile so far); undefined before the first tile. */
  etaMs?: number;
}

export interface SegmentWindowOptions {
  /** Output block per tile (a multiple of 4); default from the device limits (`evaluationTileSize`). */
  tileSize?: number;
  /** Default 0 (see the module comment). */
  overlap?: number;
  /** Default 'constant'. */
  mode?: BlendMode;
}

export interface SegmentParams {
  /** The device the engine runs on: its limits size the tiles; inference runs inside `device.run`. */
  device: Device;
  net: DualPathNet;
  meta: PredictorModelMeta;
  image: Volume;
  /** Keep the largest 26-connected component of each class (default true). */
  postprocess?: boolean;
  /** A label map on the image's grid to score against (Dice, IoU per class name). */
  reference?: Volume;
  /** Label value → name of `reference`; without it, reference value k is the model's class k. */
  referenceNames?: Record<number, string>;
  /** Model classes (indices ≥ 1) whose probability maps to return, float32 on the scan grid. */
  probabilityClasses?: number[];
  /** Return the winning class's probability per voxel (uint8, p × 255) on the scan grid. */
  confidence?: boolean;
  window?: SegmentWindowOptions;
  signal?: AbortSignal;
  onProgress?: (p: SegmentProgress) => void;
  now?: () => number;
  /** The model's name, for the warnings (default: "the model"). */
  modelName?: string;
}

export interface SegmentResult {
  /** uint8 class per voxel on the scan's own grid and affine, intent 'label'. */
  labels: Volume;
  /** Class index → name (background excluded). */
  labelNames: Record<number, string>;
  /** Volume in mL per class name (every class of the model, 0 when absent). */
  volumesMl: Record<string, number>;
  /** Per class name, for classes present in the reference. */
  dice?: Record<string, number>;
  iou?: Record<string, number>;
  /** float32 probability maps on the scan grid, in the order of `probabilityClasses`. */
  probabilities?: Volume[];
  confidence?: Volume;
  /** Wall time of the whole call. */
  ms: number;
  /**
   * Why the result may not be trusted, one sentence each (scan too thin for the model, not a CT in HU, no
   * organ found; see scan-fit.ts); empty when none.
   */
  warnings: string[];
  /** How it was computed, for reports. */
  details: { trainingGrid: Vec3; tileSize: number; overlap: number; tiles: number; postprocess: boolean };
}

function checkMeta(net: DualPathNet, meta: PredictorModelMeta): void {
  if (meta.classNames.length !== net.numClasses) {
    throw new WorkbenchError('bad-model', `The model has ${net.numClasses} output classes but its description names ${meta.classNames.length} (${meta.classNames.join(', ')}).`);
  }
  if (meta.trainingSpacing.length !== 3 || !meta.trainingSpacing.every((s) => s > 0)) {
    throw new WorkbenchError('bad-model', `The model's training spacing must be three positive mm values; found ${JSON.stringify(meta.trainingSpacing)}.`);
  }
}

function checkProbabilityClasses(classes: number[], k: number): void {
  for (const c of classes) {
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new WorkbenchError('bad-argument', `probabilityClasses: ${c} is not a class of this model; expected whole numbers 0..${k - 1}.`);
  }
}

function checkCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new WorkbenchError('cancelled', `Segmentation was cancelled ${what}.`);
}

/** A sink keeping one class's probability on the training grid. */
function classProbabilitySink(dims: Vec3, k: number): ProbabilitySink & { values: Float32Array } {
  const values = new Float32Array(dims[0] * dims[1] * dims[2]);
  return {
    values,
    accept(s) {
      const base = s.zStart * s.dims[0] * s.dims[1];
      const n = s.depth * s.dims[0] * s.dims[1];
      for (let v = 0; v < n; v++) values[base + v] = s.probabilities[v * s.numClasses + k];
    },
  };
}

/** The training grid of the scan, without keeping the reoriented copy of its voxels alive. */
function scanTrainingGrid(image: Volume, meta: PredictorModelMeta): TrainingGrid {
  const grid = prepareTrainingGrid({ image, spacing: meta.trainingSpacing, classes: [], clamp: meta.normalisation });
  const cv = grid.canonical.volume;
  grid.canonical = { ...grid.canonical, volume: { ...cv, data: new Uint8Array(0) } };
  return grid;
}

interface Inferred {
  labels: Uint8Array;
  confidence: Float32Array;
  probabilities: Float32Array[];
  tileSize: number;
  overlap: number;
  tiles: number;
}

async function infer(p: SegmentParams, grid: TrainingGrid, started: number, now: () => number): Promise<Inferred> {
  const { net, meta } = p;
  const norm = meta.normalisation;
  const lo = Math.min(norm.min, norm.max) / norm.divisor;
  const hi = Math.max(norm.min, norm.max) / norm.divisor;
  const tileSize = p.window?.tileSize ?? evaluationTileSize(p.device, net, grid.dims);
  const overlap = p.window?.overlap ?? 0;
  const argmax = argmaxCollector(grid.dims, net.numClasses);
  const probs = (p.probabilityClasses ?? []).map((k) => classProbabilitySink(grid.dims, k));
  let tiles = 0;
  let firstTileAt: number | undefined;
  const set = uploadTrainingSet([{ name: p.image.name, image: grid.image, dims: grid.dims, spacing: grid.spacing }], { valueRange: { min: Math.min(lo, hi), max: hi }, limits: p.device.limits });
  try {
    await p.device.run(`segmenting ${p.image.name}`, () => slidingWindowStream(
      set,
      {
        tileSize, overlap, mode: p.window?.mode ?? 'constant', geometry: { rFull: net.rFull, rContext: net.rContext },
        numClasses: net.numClasses, activation: 'softmax', signal: p.signal,
        onProgress: ({ tilesDone, tilesTotal }) => {
          tiles = tilesTotal;
          const t = now();
          firstTileAt ??= t;
          const perTile = tilesDone > 1 ? (t - firstTileAt) / (tilesDone - 1) : undefined;
          p.onProgress?.({ stage: 'infer', tilesDone, tilesTotal, elapsedMs: t - started, etaMs: perTile === undefined ? undefined : perTile * (tilesTotal - tilesDone) });
        },
      },
      netPredictor(net),
      [argmax, ...probs],
    ));
  } finally {
    set.dispose();
  }
  return { labels: argmax.labels, confidence: argmax.confidence, probabilities: probs.map((s) => s.values), tileSize, overlap, tiles };
}

/** "Kidney Right", "kidney_right" and "kidney-right" name the same structure. */
export function normaliseLabelName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_-]+/g, '_');
}

/**
 * The reference label map as model classes (uint8, scan grid): value v → the class whose name matches
 * `names[v]` (or class v when no names are given, for v < K); everything else → 0.
 */
export function referenceToClasses(reference: Volume, image: Volume, classNames: string[], names?: Record<number, string>): Uint8Array {
  checkLabelMatchesImage(reference, image);
  const values = labelArray(reference);
  const byName = new Map(classNames.map((n, k) => [normaliseLabelName(n), k]));
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  const lut = new Uint8Array(max + 1);
  for (let v = 1; v <= max; v++) {
    if (names) lut[v] = names[v] === undefined ? 0 : (byName.get(normaliseLabelName(names[v])) ?? 0);
    else lut[v] = v < classNames.length ? v : 0;
  }
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = lut[values[i]];
  return out;
}

/** Dice and IoU per class name for the model classes present in the reference (background excluded). */
export function overlapByName(pred: Uint8Array, truth: Uint8Array, classNames: string[]): { dice: Record<string, number>; iou: Record<string, number> } {
  const present = new Uint8Array(classNames.length);
  for (let i = 0; i < truth.length; i++) present[truth[i]] = 1;
  const classes = classNames.map((_, k) => k).filter((k) => k > 0 && present[k]);
  const d = computeDice(pred, truth, { classes });
  const j = computeIoU(pred, truth, { classes });
  const dice: Record<string, number> = {};
  const iou: Record<string, number> = {};
  for (const k of classes) {
    dice[classNames[k]] = d.get(k)!;
    iou[classNames[k]] = j.get(k)!;
  }
  return { dice, iou };
}

function labelVolume(grid: TrainingGrid, labels: Uint8Array, image: Volume): Volume {
  const v = toScanGrid(grid, labels, 'nearest');
  return { ...v, name: `${image.name.replace(/\.nii(\.gz)?$/i, '')}-segmentation`, intent: 'label', scale: { slope: 1, inter: 0 }, description: 'workbench segmentation' };
}

function floatVolume(grid: TrainingGrid, values: Float32Array, name: string): Volume {
  const v = toScanGrid(grid, values, 'linear');
  return { ...v, name, intent: 'image', scale: { slope: 1, inter: 0 } };
}

/** Before inference: is the scan thick enough along every axis, and a CT in HU? (scan-fit.ts) */
function scanWarnings(p: SegmentParams, grid: TrainingGrid): string[] {
  const c = grid.canonical.volume;
  const model = modelPhrase(p.modelName);
  const thin = thinScanWarnings({
    scanName: p.image.name, model, dims: [...c.dims], spacing: [...c.spacing],
    modelSpacing: p.meta.trainingSpacing, receptiveField: receptiveField(p.net.rFull, p.net.rContext),
  });
  const notCt = notCtWarning(p.image, model, p.meta.normalisation);
  return notCt ? [...thin, notCt] : thin;
}

/**
 * Segments `image` with `net` (see the module comment for the steps and the memory held).
 * Throws `WorkbenchError('cancelled')` when `signal` aborts (between tiles); no tensors are left behind.
 */
export async function segmentVolume(p: SegmentParams): Promise<SegmentResult> {
  const now = p.now ?? (() => performance.now());
  const started = now();
  const { net, meta } = p;
  checkMeta(net, meta);
  checkProbabilityClasses(p.probabilityClasses ?? [], net.numClasses);
  checkCancelled(p.signal, 'before it started');
  p.onProgress?.({ stage: 'prepare', tilesDone: 0, tilesTotal: 0, elapsedMs: 0 });
  const refClasses = p.reference ? referenceToClasses(p.reference, p.image, meta.classNames, p.referenceNames) : undefined;
  const grid = scanTrainingGrid(p.image, meta);
  const warnings = scanWarnings(p, grid);
  let inferred: Inferred;
  try {
    inferred = await infer(p, grid, started, now);
  } catch (e) {
    if (isWorkbenchError(e)) throw e;
    throw new WorkbenchError('inference-failed', `Segmenting ${p.image.name} failed: ${errorMessage(e)}`, { cause: e });
  }
  checkCancelled(p.signal, 'after inference');
  p.onProgress?.({ stage: 'finish', tilesDone: inferred.tiles, tilesTotal: inferred.tiles, elapsedMs: now() - started, etaMs: 0 });
  const postprocess = p.postprocess ?? true;
  const cleaned = postprocess ? largestComponentPerClass(inferred.labels, grid.dims) : inferred.labels;
  const labels = labelVolume(grid, cleaned, p.image);
  if (!hasOrganVoxel(labels.data)) warnings.push(emptyResultWarning(p.image.name, modelPhrase(p.modelName), meta.classNames, warnings.length > 0));
  const labelNames: Record<number, string> = {};
  meta.classNames.forEach((n, k) => k > 0 && (labelNames[k] = n));
  const ml = classVolumesMl(labels.data, labels.spacing, { classes: Object.keys(labelNames).map(Number) });
  const volumesMl: Record<string, number> = {};
  for (const [k, v] of ml) volumesMl[meta.classNames[k]] = v;
  const result: SegmentResult = {
    labels, labelNames, volumesMl, ms: 0, warnings,
    details: { trainingGrid: [...grid.dims], tileSize: inferred.tileSize, overlap: inferred.overlap, tiles: inferred.tiles, postprocess },
  };
  if (refClasses) Object.assign(result, overlapByName(labels.data as Uint8Array, refClasses, meta.classNames));
  if (p.probabilityClasses?.length) {
    result.probabilities = p.probabilityClasses.map((k, i) => floatVolume(grid, inferred.probabilities[i], `probability-${meta.classNames[k]}`));
  }
  if (p.confidence) {
    const c = floatVolume(grid, inferred.confidence, 'confidence');
    result.confidence = { ...c, data: unitToBytes(c.data), scale: { slope: 1 / 255, inter: 0 } };
  }
  result.ms = now() - started;
  return result;
}
