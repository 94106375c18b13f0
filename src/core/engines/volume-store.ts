/**
 * The volumes loaded in a session: images and the label maps attached to them.
 * DOM-free: the same store backs the worker, Node scripts and tests.
 */
import type { LoadOptions, Role, VolumeInfo } from '../../api/types';
import { WorkbenchError } from '../errors';
import { realRange, type Volume } from '../data/volume';

export interface StoredVolume {
  info: VolumeInfo;
  volume: Volume;
}

export class VolumeStore {
  private readonly items = new Map<string, StoredVolume>();
  private counter = 0;

  add(volume: Volume, role: Role, opts: { imageId?: string; labels?: Record<number, string> } = {}): StoredVolume {
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
    if (role === 'label') {
      info.imageId = opts.imageId;
      info.labels = opts.labels ?? {};
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

  /** Removes a volume; removing an image also removes its label maps. Returns the ids removed. */
  remove(id: string): string[] {
    const v = this.items.get(id);
    if (!v) return [];
    const removed = [id];
    this.items.delete(id);
    if (v.info.role === 'image') {
      for (const l of this.labelsOf(id)) {
        this.items.delete(l.info.id);
        removed.push(l.info.id);
      }
    }
    return removed;
  }
}

export type { LoadOptions };
