/**
 * The volumes loaded in a session: images and the label maps attached to them.
 * DOM-free: the same store backs the worker, Node scripts and tests.
 */
import type { LoadOptions, Role, VolumeInfo } from './contract';
import { WorkbenchError } from '../errors';
import { realRange, type Volume } from '../data/volume';

export interface StoredVolume {
  info: VolumeInfo;
  volume: Volume;
}

export class VolumeStore {
  private readonly items = new Map<string, StoredVolume>();
  private counter = 0;

  add(volume: Volume, role: Role, opts: { imageId?: string; labels?: Record<number, string>; origin?: VolumeInfo['origin']; warnings?: string[] } = {}): StoredVolume {
    const id = `vol-${++this.counter}`;
    const { min, max } = realRange(volume);
    const info: VolumeInfo = {
      id,
      name: volume.name,
      role,
      dims: [...volume.dims],
      spacing: [...volume.spacing],
      affine: Array.from(volume.affine),
      min,
      max,
    };
    if (role !== 'image') info.imageId = opts.imageId;
    if (role === 'label') info.labels = opts.labels ?? {};
    if (opts.origin) info.origin = opts.origin;
    if (opts.warnings?.length) info.warnings = [...opts.warnings];
    if (role === 'image' && volume.dicom) {
      const d = volume.dicom;
      info.dicom = { studyInstanceUid: d.studyInstanceUid, seriesInstanceUid: d.seriesInstanceUid, frameOfReferenceUid: d.frameOfReferenceUid, slices: d.slices.length };
    }
    const item = { info, volume };
    this.items.set(id, item);
    return item;
  }

  get(id: string): StoredVolume {
    const v = this.items.get(id);
    if (!v) throw new WorkbenchError('not-found', `No volume with id "${id}" is loaded; loaded ids: ${[...this.items.keys()].join(', ') || 'none'}.`);
    return v;
  }

  /** The image volume `id`; a label or map volume is refused with "…; `todo` its image instead." */
  image(id: string, todo: string): StoredVolume {
    const v = this.get(id);
    if (v.info.role !== 'image') throw new WorkbenchError('bad-argument', `${v.info.name} is a ${v.info.role} volume; ${todo} its image instead.`);
    return v;
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  list(): VolumeInfo[] {
    return [...this.items.values()].map((v) => v.info);
  }

  images(): StoredVolume[] {
    return [...this.items.values()].filter((v) => v.info.role === 'image');
  }

  labelsOf(imageId: string): StoredVolume[] {
    return [...this.items.values()].filter((v) => v.info.role === 'label' && v.info.imageId === imageId);
  }

  /** Label maps and maps attached to an image. */
  attachedTo(imageId: string): StoredVolume[] {
    return [...this.items.values()].filter((v) => v.info.role !== 'image' && v.info.imageId === imageId);
  }

  /** Replaces a volume's voxels (same grid), e.g. after edits; returns the stored item. */
  replaceData(id: string, data: Volume['data']): StoredVolume {
    const item = this.get(id);
    if (data.length !== item.volume.data.length) {
      throw new WorkbenchError('label-grid-mismatch', `The new voxels of ${item.info.name} number ${data.length}; its grid holds ${item.volume.data.length}.`);
    }
    item.volume = { ...item.volume, data, scale: { slope: 1, inter: 0 } };
    const { min, max } = realRange(item.volume);
    item.info.min = min;
    item.info.max = max;
    return item;
  }

  /** Removes a volume; removing an image also removes its label maps. Returns the ids removed. */
  remove(id: string): string[] {
    const v = this.items.get(id);
    if (!v) return [];
    const removed = [id];
    this.items.delete(id);
    if (v.info.role === 'image') {
      for (const l of this.attachedTo(id)) {
        this.items.delete(l.info.id);
        removed.push(l.info.id);
      }
    }
    return removed;
  }
}

export type { LoadOptions };
