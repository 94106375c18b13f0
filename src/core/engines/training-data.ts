/**
 * Scans → training grids. An image and its label map are reoriented to the closest canonical RAS grid
 * (lossless), resampled to the model's spacing (trilinear for the image, nearest for labels), clamped and
 * scaled (HU → [−1000, 1000] / 218), and their label values remapped to classes 0..K−1. Fields computed on
 * the training grid (error maps, predictions) map back onto the scan's own grid for display and export.
 */
import {
  clampAndScale,
  labelArray,
  realValues,
  resampleToGrid,
  resampleToSpacing,
  toCanonical,
  type CanonicalResult,
  type ClampAndScaleParams,
  type Vec3,
  type Volume,
} from '../data';
import { WorkbenchError } from '../errors';

export interface TrainingGrid {
  name: string;
  /** The training grid (canonical orientation, model spacing). */
  dims: Vec3;
  spacing: Vec3;
  affine: Float64Array;
  /** Clamped and scaled intensities, x fastest. */
  image: Float32Array;
  /** Classes 0..K−1 (absent for unlabelled images). */
  labels?: Uint8Array;
  /** To map training-grid fields back to the scan's own grid. */
  canonical: CanonicalResult;
  source: Pick<Volume, 'dims' | 'affine' | 'spacing' | 'name'>;
}

/** A lookup from label value to class: `classes[k−1]` is the value of class k; everything else is 0. */
export function classLookup(classes: readonly number[]): Map<number, number> {
  const m = new Map<number, number>();
  classes.forEach((value, i) => m.set(value, i + 1));
  return m;
}

export function remapLabels(values: ArrayLike<number>, classes: readonly number[]): Uint8Array {
  if (classes.length > 254) throw new WorkbenchError('bad-argument', `At most 254 classes can be trained at once; ${classes.length} were chosen.`);
  const lut = classLookup(classes);
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = lut.get(values[i]) ?? 0;
  return out;
}

function withData(v: Volume, data: Volume['data'], name: string): Volume {
  return { ...v, name, data, scale: { slope: 1, inter: 0 } };
}

export function prepareTrainingGrid(p: {
  image: Volume;
  label?: Volume;
  spacing: Vec3;
  classes: readonly number[];
  clamp?: ClampAndScaleParams;
}): TrainingGrid {
  const canonical = toCanonical(p.image);
  const img = resampleToSpacing(canonical.volume, p.spacing, 'linear');
  const image = clampAndScale(realValues(img), p.clamp);
  let labels: Uint8Array | undefined;
  if (p.label) {
    const cl = toCanonical(p.label).volume;
    const onGrid = resampleToGrid(withData(cl, labelArray(cl), cl.name), img, 'nearest');
    labels = remapLabels(onGrid.data, p.classes);
  }
  return {
    name: p.image.name,
    dims: [...img.dims],
    spacing: [...img.spacing],
    affine: img.affine,
    image,
    labels,
    canonical,
    source: { dims: [...p.image.dims], affine: p.image.affine, spacing: [...p.image.spacing], name: p.image.name },
  };
}

/**
 * A field on the training grid (E, a density, class labels) → the scan's own grid.
 * `mode` 'linear' for continuous fields, 'nearest' for labels.
 */
export function toScanGrid<T extends Float32Array | Uint8Array>(grid: TrainingGrid, field: T, mode: 'linear' | 'nearest'): Volume {
  const n = grid.dims[0] * grid.dims[1] * grid.dims[2];
  if (field.length !== n) throw new WorkbenchError('bad-dimensions', `A field of ${field.length} voxels cannot lie on the ${grid.dims.join('×')} training grid of ${grid.name}.`);
  const onTraining: Volume = { name: grid.name, dims: grid.dims, spacing: grid.spacing, affine: grid.affine, data: field, scale: { slope: 1, inter: 0 } };
  const canonicalGrid = grid.canonical.volume;
  const onCanonical = resampleToGrid(onTraining, canonicalGrid, mode, { fill: 0 });
  return grid.canonical.fromCanonical(onCanonical);
}

/** A float field in [0, 1] → bytes (× 255, rounded), e.g. E for the `errorMap` API and the overlay. */
export function unitToBytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, values[i])) * 255);
  return out;
}
