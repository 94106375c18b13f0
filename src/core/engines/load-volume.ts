/**
 * Turning dropped or fetched files into a stored volume: parse, check against the device and the
 * image it belongs to, decide its role, and name its labels.
 */
import type { LoadOptions, Role } from './contract';
import { WorkbenchError } from '../errors';
import type { DeviceLimits } from '../backend/select';
import {
  readVolumeFiles,
  checkLabelMatchesImage,
  checkFitsDevice,
  checkLabelValues,
  parseLabelTable,
  type LabelTable,
} from '../data';
import type { Volume } from '../data/volume';
import type { StoredVolume, VolumeStore } from './volume-store';
import { isDicomSeg } from '../data/dicom-seg-check';
import { loadDicomSeg } from './dicom-seg-io';

export interface NamedBytes {
  name: string;
  bytes: ArrayBuffer;
}

const LABEL_NAME = /(^|[^a-z])(label|labels|seg|segmentation|mask|annotation|organs?)([^a-z]|$)/i;

/** Distinct values of an integer volume, or undefined if it has non-integers or more than `max` values. */
export function distinctIntegerValues(v: Volume, max = 1024): number[] | undefined {
  const seen = new Set<number>();
  const { slope, inter } = v.scale;
  const d = v.data;
  for (let i = 0; i < d.length; i++) {
    const x = d[i] * slope + inter;
    if (!Number.isInteger(x)) return undefined;
    if (!seen.has(x)) {
      seen.add(x);
      if (seen.size > max) return undefined;
    }
  }
  return [...seen].sort((a, b) => a - b);
}

/** The role of a volume loaded without one: a label map if its name says so and an image is loaded. */
export function inferRole(name: string, hasImage: boolean): Role {
  return hasImage && LABEL_NAME.test(name) ? 'label' : 'image';
}

function labelNames(values: number[], table: LabelTable | undefined): Record<number, string> {
  const out: Record<number, string> = {};
  for (const v of values) {
    if (v === 0) continue;
    out[v] = table?.[v]?.name ?? `label ${v}`;
  }
  return out;
}

function resolveTable(t: LoadOptions['labelTable'], fileName: string): LabelTable | undefined {
  if (t === undefined) return undefined;
  if (typeof t === 'string') return parseLabelTable(t, `the label table for ${fileName}`);
  const out: LabelTable = {};
  for (const [k, name] of Object.entries(t)) out[Number(k)] = { name };
  return out;
}

function pickImage(store: VolumeStore, imageId: string | undefined, fileName: string): StoredVolume {
  if (imageId) return store.get(imageId);
  const images = store.images();
  if (images.length === 0) {
    throw new WorkbenchError('missing-labels', `${fileName} is a label map, but no image is loaded to attach it to; load the image first.`, { file: fileName });
  }
  return images[images.length - 1];
}

export interface LoadContext {
  store: VolumeStore;
  limits?: DeviceLimits;
  /** Tables known without a file, by label-map name (e.g. the demo's). */
  builtInTables?: (name: string) => LabelTable | undefined;
}

export async function loadVolumeIntoStore(files: NamedBytes[], opts: LoadOptions, ctx: LoadContext): Promise<StoredVolume> {
  if (files.length === 0) throw new WorkbenchError('bad-argument', 'No files were given to load.');
  // A DICOM Segmentation object is a label map of a loaded DICOM scan: it attaches to the one it references.
  if (files.length === 1 && isDicomSeg(files[0].bytes)) return loadDicomSeg(ctx.store, files[0], opts.imageId);
  const limits = ctx.limits;
  // Refuse a scan too large for the device from its header, before reading (or failing on) its voxels.
  const volume = await readVolumeFiles(files, limits ? { checkHeader: (h) => checkFitsDevice(h, limits) } : {});
  if (opts.name) volume.name = opts.name;
  const fileName = volume.name;
  if (ctx.limits) checkFitsDevice(volume, ctx.limits);
  const role = opts.role ?? inferRole(fileName, ctx.store.images().length > 0 || opts.imageId !== undefined);
  // Only what the reader said of this file: volumes derived from it later (segmentations) say nothing.
  const warnings = volume.warnings;
  if (role === 'image') return ctx.store.add(volume, 'image', { warnings });

  const image = pickImage(ctx.store, opts.imageId, fileName);
  checkLabelMatchesImage(volume, image.volume);
  checkLabelValues(volume);
  const values = distinctIntegerValues(volume);
  if (!values) {
    throw new WorkbenchError(
      'bad-labels',
      `${fileName} was loaded as a label map, but it holds more than 1024 distinct class numbers; expected a label map with at most 1024 classes (0 = background). Is this an image? Load it as an image.`,
      { file: fileName },
    );
  }
  const table = resolveTable(opts.labelTable, fileName) ?? ctx.builtInTables?.(fileName);
  return ctx.store.add(volume, 'label', { imageId: image.info.id, labels: labelNames(values, table), warnings });
}
