/**
 * The engine facade: one per worker (or Node process). It owns the compute backend and the loaded
 * volumes; training and inference are added beside it. Every method takes and returns plain data.
 */
import type { BackendStatus, LoadOptions, VolumeInfo } from '../../api/types';
import { initBackend, type ActiveBackend, type BackendName } from '../backend/select';
import { DEMO_LABELS, writeNifti, type LabelTable } from '../data';
import { VolumeStore } from './volume-store';
import { loadVolumeIntoStore, type NamedBytes } from './load-volume';

export interface LoadedVolume {
  info: VolumeInfo;
  nifti: ArrayBuffer;
}

function builtInTables(name: string): LabelTable | undefined {
  return /labels-organs4/i.test(name) ? DEMO_LABELS : undefined;
}

export class Engine {
  readonly store = new VolumeStore();
  private backendInfo?: ActiveBackend;

  async init(order?: BackendName[]): Promise<BackendStatus> {
    this.backendInfo ??= await initBackend(order);
    const { name, adapter, reason } = this.backendInfo.info;
    return reason ? { name, adapter, reason } : { name, adapter };
  }

  get backend(): ActiveBackend | undefined {
    return this.backendInfo;
  }

  async loadVolume(files: NamedBytes[], opts: LoadOptions = {}): Promise<LoadedVolume> {
    const item = await loadVolumeIntoStore(files, opts, {
      store: this.store,
      limits: this.backendInfo?.info.limits,
      builtInTables,
    });
    const bytes = writeNifti(item.volume, { gzip: false, intent: item.info.role === 'label' ? 'label' : 'image' });
    const nifti = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return { info: item.info, nifti };
  }

  removeVolume(id: string): string[] {
    return this.store.remove(id);
  }

  volumes(): VolumeInfo[] {
    return this.store.list();
  }
}
