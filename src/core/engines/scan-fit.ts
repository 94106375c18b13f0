/**
 * Does a scan suit the model that segments it? Segmentation always returns what the model gives, but says in
 * a sentence (what was found, what the model needs, what to do) when the result cannot be trusted:
 *
 * - **Too thin.** Every output voxel is computed from a cube of `receptiveField` model voxels around it
 *   (`receptiveField(r_f, r_c)`, networks/architecture.ts), i.e. `receptiveField × spacingMm` mm along each
 *   axis (tiny at 6 mm: 28 voxels = 168 mm). Outside the scan the network sees padding (air after the HU
 *   clamp). The network was trained on patches cut from whole scans, where padding appears only at the edges;
 *   when the scan is shorter along an axis than half the receptive field, more than half of what every voxel
 *   sees along that axis is padding — nothing the network learnt from — and the result is typically empty.
 *   Hence the threshold `MIN_EXTENT_OF_RECEPTIVE_FIELD` = 0.5: a 3-slice slab (9 mm at 3 mm) warns for every
 *   model; a scan covering at least half of what the model sees (84 mm for tiny at 6 mm) along each axis does
 *   not. Half, not all of it: at the edges of any scan the model already sees up to half padding, and whole
 *   abdominal CTs (≥ 200 mm) segment well with the shipped models.
 * - **Not a CT in HU.** The models clamp and scale Hounsfield units (−1000..1000 HU); an MR or a rescaled
 *   image (0..1, raw stored values without their rescale slope) is outside their domain. The test is the one
 *   the automatic labeller refuses with (`huFinding`, data/intensity.ts: at least 1 % of voxels at or below
 *   −900 HU); it applies to models whose normalisation reaches down to air.
 * - **Empty.** No voxel of any organ class: said in so many words, never an empty result without a word.
 */
import { describeHuFinding, huFinding, CT_HU_TEST, type Vec3, type Volume } from '../data';
import type { Normalisation } from '../networks';

/** Warn when a scan covers less than this fraction of the model's receptive field (mm) along an axis. */
export const MIN_EXTENT_OF_RECEPTIVE_FIELD = 0.5;

const AXIS_NAMES = ['x (left–right)', 'y (front–back)', 'z (head–foot)'] as const;

/** `the model "name"`, or "the model" when it has no name. */
export function modelPhrase(name?: string): string {
  return name ? `the model "${name}"` : 'the model';
}

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function mm(x: number): string {
  return `${Number(x.toFixed(1))} mm`;
}

export interface ExtentCheck {
  scanName: string;
  /** How the sentence names the model, e.g. `the model "Demo: spleen, kidneys, liver"` (see `modelPhrase`). */
  model: string;
  /** The scan reoriented to canonical RAS: voxels and spacing (mm) per axis x, y, z. */
  dims: Vec3;
  spacing: Vec3;
  /** The model's training spacing (mm, x, y, z). */
  modelSpacing: Vec3;
  /** The model's receptive field in its own voxels. */
  receptiveField: number;
}

/** One sentence per axis along which the scan is shorter than half of what the model sees. */
export function thinScanWarnings(c: ExtentCheck): string[] {
  const out: string[] = [];
  for (let a = 0; a < 3; a++) {
    const extent = c.dims[a] * c.spacing[a];
    const sees = c.receptiveField * c.modelSpacing[a];
    const needs = MIN_EXTENT_OF_RECEPTIVE_FIELD * sees;
    if (extent >= needs) continue;
    out.push(
      `${c.scanName} is only ${mm(extent)} long along ${AXIS_NAMES[a]} (${c.dims[a]} slice${c.dims[a] === 1 ? '' : 's'} of ${mm(c.spacing[a])}), `
      + `but ${c.model} looks at ${mm(sees)} around each voxel (a receptive field of ${c.receptiveField} voxels of ${mm(c.modelSpacing[a])}) `
      + `and needs at least ${mm(needs)} of scan along every axis; with less, most of what it sees is padding, so this result is unreliable and often empty. `
      + `Segment a scan that covers at least ${mm(needs)} along ${AXIS_NAMES[a].split(' ')[0]}, e.g. the whole series rather than a slab.`,
    );
  }
  return out;
}

/** A sentence when the image fails the HU test and the model expects HU down to air; undefined otherwise. */
export function notCtWarning(image: Pick<Volume, 'name' | 'data' | 'scale'>, model: string, norm: Normalisation): string | undefined {
  if (Math.min(norm.min, norm.max) > CT_HU_TEST.airHu) return undefined;
  const f = huFinding(image);
  if (f.looksLikeCt) return undefined;
  return `${image.name} does not look like a CT in Hounsfield units: ${describeHuFinding(f)}. `
    + `${capitalised(model)} was trained on CT in HU (it reads ${norm.min}..${norm.max} HU), so on an MR or a rescaled image its result is meaningless. `
    + 'Segment a CT whose values are in HU (a DICOM series must keep its rescale slope and intercept), or use a model trained on scans like this one.';
}

/** The sentence for a result without a single organ voxel; `otherWarnings` says whether a cause was already named. */
export function emptyResultWarning(scanName: string, model: string, classNames: string[], otherWarnings: boolean): string {
  const organs = classNames.slice(1).join(', ');
  const hint = otherWarnings
    ? 'The warnings above say why the scan is outside what the model was made for.'
    : 'The scan may not show these organs (check the body region it covers), or the model may not suit it: try another model, or train one on scans like this.';
  return `${capitalised(model)} found none of its classes (${organs}) in ${scanName}: every voxel is background. ${hint}`;
}

/** True when some voxel holds a class other than background. */
export function hasOrganVoxel(labels: ArrayLike<number>): boolean {
  for (let i = 0; i < labels.length; i++) if (labels[i] !== 0) return true;
  return false;
}
