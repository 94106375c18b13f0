/**
 * The app controller: the one place where the engine worker, the store and the viewer meet.
 * Both the React UI and `window.workbench` call it, so a script does exactly what a click does.
 */
import type { Remote } from 'comlink';
import type { LoadOptions, VolumeInfo, VolumeSource, WindowPreset } from '../api/types';
import type { EngineApi, EngineEvent, LoadedVolume } from '../worker/protocol';
import { errorMessage } from '../core/errors';
import { defaultLabelColor, type LabelTable } from '../core/data/labels';
import { useAppStore, WINDOW_PRESETS, type WindowSetting } from './store';
import { sourceToFiles } from './sources';
import { groupFiles } from './drop';
import type { NiivueViewer, LayerSpec } from './viewer/niivue-viewer';
import { OverlayManager } from './overlays';
import { reportFailure } from './failures';

import * as Comlink from 'comlink';

/** Lets the browser run other tasks (input, a frame) before going on. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export const DEMO = {
  image: 'demo/ct.nii.gz',
  labels: 'demo/labels-organs4.nii.gz',
};

export class AppController {
  private readonly niftiById = new Map<string, ArrayBuffer>();
  private viewer?: NiivueViewer;
  private queue: Promise<unknown> = Promise.resolve();
  readonly overlays = new OverlayManager(() => this.viewer);
  private readonly eventListeners = new Set<(e: EngineEvent) => void | Promise<void>>();
  private subscription?: Promise<void>;

  constructor(readonly engine: Remote<EngineApi>) {}

  /**
   * Listens to the engine's events. One subscription to the worker serves every listener (voxel payloads
   * are transferred, so they can cross only once); the engine waits until all listeners are done.
   */
  async onEngineEvent(listener: (e: EngineEvent) => void | Promise<void>): Promise<void> {
    this.eventListeners.add(listener);
    this.subscription ??= this.engine.subscribe(
      Comlink.proxy(async (e: EngineEvent) => {
        // One listener's failure neither stops the others nor goes unseen.
        const settled = await Promise.allSettled([...this.eventListeners].map(async (l) => l(e)));
        for (const s of settled) if (s.status === 'rejected') console.error(`A UI listener failed on the engine's "${e.type}" event:`, s.reason);
      }),
    );
    await this.subscription;
  }

  /**
   * A function that adds `listener` with onEngineEvent on its first call and does nothing on later ones:
   * for the controllers that start listening when first used.
   */
  engineListener(listener: (e: EngineEvent) => void | Promise<void>): () => Promise<void> {
    let added = false;
    return async () => {
      if (added) return;
      added = true;
      await this.onEngineEvent(listener);
    };
  }

  private get store() {
    return useAppStore.getState();
  }

  async init(): Promise<void> {
    try {
      const b = await this.engine.init({ modelIndexUrl: new URL('models/index.json', location.href).href, savedModels: true });
      this.store.setBackend(b);
    } catch (e) {
      this.store.setEngineError(errorMessage(e));
      throw e;
    }
  }

  attachViewer(viewer: NiivueViewer): void {
    this.viewer = viewer;
    const id = this.store.activeImageId;
    if (id) void this.show(id);
  }

  /** Runs loads one after another so that a label map finds the image loaded just before it. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Loads a scan or a label map. Atomic: it ends either fully loaded (engine, store, viewer) or not at
   * all — when the viewer refuses what the engine accepted, the engine's copy is removed again and the
   * scene on screen is the one before. What the reader repaired or assumed comes as warning messages.
   */
  loadVolume(source: VolumeSource, opts: LoadOptions = {}): Promise<VolumeInfo> {
    return this.serial(async () => {
      const label = typeof source === 'string' ? source : source instanceof File ? source.name : Array.isArray(source) ? `${source.length} files` : (opts.name ?? 'volume');
      const done = this.store.beginTask(`Loading ${label}`);
      try {
        const files = await sourceToFiles(source, opts.name);
        const loaded = await this.engine.loadVolume(files, opts);
        await this.present(loaded);
        const warnings = loaded.info.warnings ?? [];
        const note = warnings.length ? ` with ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : '';
        this.store.pushMessage('info', `Loaded ${loaded.info.name} (${loaded.info.dims.join('×')}, ${loaded.info.role})${note}.`);
        // After the "Loaded" line, so that lastMessage() is the warning a user must read.
        for (const w of warnings) this.store.pushMessage('warning', w);
        return loaded.info;
      } catch (e) {
        reportFailure(e);
      } finally {
        done();
      }
    });
  }

  /** Puts what the engine loaded into the store and on screen; on failure takes it out of both and of the engine. */
  private async present(loaded: LoadedVolume): Promise<void> {
    const { info } = loaded;
    const previous = this.store.activeImageId;
    this.niftiById.set(info.id, loaded.nifti);
    this.store.addVolume(info);
    try {
      if (info.role === 'image') await this.show(info.id);
      else if (info.imageId === this.store.activeImageId) await this.addLabelLayer(info);
    } catch (e) {
      // On screen means the scene had switched (it failed after): the previous image's scene comes back.
      const onScreen = info.role === 'image' && this.viewer?.hasLayer(info.id) === true;
      this.niftiById.delete(info.id);
      this.viewer?.removeLayer(info.id);
      this.store.removeVolumes([info.id]);
      if (previous !== undefined && this.store.volumes.some((v) => v.id === previous)) {
        this.store.setActiveImage(previous);
        if (onScreen) await this.show(previous).catch(() => undefined);
      }
      let cleanup = '';
      try {
        await this.engine.removeVolume(info.id);
      } catch (r) {
        cleanup = ` (and removing it from the engine failed: ${errorMessage(r)})`;
      }
      throw new Error(
        `${info.name} was read (${info.dims.join('×')}), but the viewer could not show it: ${errorMessage(e)}. It was not loaded${cleanup}; everything loaded before is as it was.`,
        { cause: e },
      );
    }
  }

  /** Adds a volume the engine made (a segmentation, a probability map) to the UI, on screen if its image is. */
  async addLoaded(loaded: LoadedVolume): Promise<void> {
    this.niftiById.set(loaded.info.id, loaded.nifti);
    this.store.addVolume(loaded.info);
    if (this.viewer && loaded.info.imageId === this.store.activeImageId) await this.viewer.addLayer(this.layerFor(loaded.info));
  }

  /** Replaces a label map's viewer data after an edit. */
  async replaceLoaded(info: VolumeInfo, nifti: ArrayBuffer): Promise<void> {
    this.niftiById.set(info.id, nifti);
    this.store.updateVolume(info);
    if (this.viewer && info.imageId === this.store.activeImageId) await this.viewer.addLayer(this.layerFor(info));
  }

  get viewerInstance(): NiivueViewer | undefined {
    return this.viewer;
  }

  /** What a drop or a file picker gives: NIfTI files, a DICOM series, label tables. */
  async loadDropped(files: File[]): Promise<void> {
    const g = await groupFiles(files);
    const tableText = g.tables.length ? await g.tables[0].text() : undefined;
    for (const f of g.nifti) {
      await this.loadVolume(f, tableText ? { labelTable: tableText } : {}).catch(() => undefined);
    }
    // An NRRD / MetaImage header travels with its data file; one that names a missing file is told so by its reader.
    for (const h of g.headers) {
      await this.loadVolume(h, tableText ? { labelTable: tableText } : {}).catch(() => undefined);
    }
    // Unrecognised files travel with a series (its reader names them in a warning) or, alone, to the
    // reader, which says what they are; beside NIfTI files they are named here.
    if (g.series.length || (!g.nifti.length && !g.headers.length && g.other.length)) {
      await this.loadVolume([...g.series, ...g.other], { role: 'image' }).catch(() => undefined);
    } else if (g.other.length) {
      const names = g.other.slice(0, 3).map((f) => f.name).join(', ') + (g.other.length > 3 ? ', …' : '');
      this.store.pushMessage('warning', `${g.other.length} file${g.other.length === 1 ? ' is' : 's are'} neither NIfTI, NRRD, MetaImage nor DICOM and ${g.other.length === 1 ? 'was' : 'were'} not loaded: ${names}.`);
    }
    if (!g.nifti.length && !g.headers.length && !g.series.length && !g.other.length && g.tables.length) {
      this.store.pushMessage('error', `${g.tables[0].name} looks like a label table; drop it together with its label map.`);
    }
  }

  async loadDemo(): Promise<void> {
    const image = await this.loadVolume(DEMO.image, { role: 'image' });
    await this.loadVolume(DEMO.labels, { role: 'label', imageId: image.id });
  }

  /**
   * Removes a volume (an image takes its label maps with it): first from the engine, which refuses ('busy',
   * with a sentence) while a training run, a segmentation or automatic labelling uses it — then nothing
   * changes and the sentence is shown — and then from the UI.
   */
  removeVolume(id: string): Promise<void> {
    return this.serial(async () => {
      const target = this.store.volumes.find((v) => v.id === id);
      if (!target) return;
      let removed: string[];
      try {
        removed = await this.engine.removeVolume(id);
      } catch (e) {
        reportFailure(e);
      }
      const wasActive = this.store.activeImageId !== undefined && removed.includes(this.store.activeImageId);
      for (const r of removed) {
        this.niftiById.delete(r);
        this.viewer?.removeLayer(r);
        this.overlays.forget(r);
      }
      this.store.removeVolumes(removed);
      this.store.pushMessage('info', `Removed ${target.name}.`);
      if (wasActive) {
        const next = this.store.volumes.find((v) => v.role === 'image');
        if (next) void this.show(next.id);
      }
    });
  }

  private layerFor(info: VolumeInfo): LayerSpec {
    const nifti = this.niftiById.get(info.id);
    if (!nifti) throw new Error(`no viewer data for ${info.id}`);
    if (info.role === 'image') {
      const w = this.windowRange(this.store.window, info);
      return { id: info.id, name: info.name, nifti, kind: 'image', calMin: w.min, calMax: w.max };
    }
    if (info.role === 'map') {
      return { id: info.id, name: info.name, nifti, kind: 'heat', colormap: 'viridis', calMin: 0.05, calMax: 1, opacity: 0.5 };
    }
    const values = Object.keys(info.labels ?? {}).map(Number);
    const table: LabelTable = {};
    for (const v of values) table[v] = { name: info.labels![v], color: defaultLabelColor(v) };
    return { id: info.id, name: info.name, nifti, kind: 'label', labels: table as Record<number, { name: string; color: [number, number, number] }>, opacity: 0.5 };
  }

  private async addLabelLayer(info: VolumeInfo): Promise<void> {
    if (!this.viewer) return;
    await this.viewer.addLayer(this.layerFor(info));
  }

  async show(id: string): Promise<void> {
    const info = this.store.volumes.find((v) => v.id === id);
    if (!info) throw new Error(`No volume with id "${id}" is loaded.`);
    const imageInfo = info.role === 'image' ? info : this.store.volumes.find((v) => v.id === info.imageId)!;
    this.store.setActiveImage(imageInfo.id);
    if (!this.viewer) return;
    const labels = this.store.volumes.filter((v) => v.role !== 'image' && v.imageId === imageInfo.id);
    await this.viewer.showScene(this.layerFor(imageInfo), labels.map((l) => this.layerFor(l)));
    await this.overlays.refresh(imageInfo);
  }

  /** Applies overlay settings (error map on/off and opacity, centre density on/off) to the image on screen. */
  async setOverlaySettings(s: Partial<OverlayManager['settings']>): Promise<void> {
    this.overlays.settings = { ...this.overlays.settings, ...s };
    await this.overlays.refresh(this.store.volumes.find((v) => v.id === this.store.activeImageId));
  }

  windowRange(w: WindowSetting, info?: VolumeInfo): { min: number; max: number } {
    if (typeof w === 'object') return w;
    if (w === 'full') return { min: info?.min ?? 0, max: info?.max ?? 1 };
    return WINDOW_PRESETS[w];
  }

  setWindow(w: WindowPreset | { min: number; max: number }): void {
    this.store.setWindow(w);
    const info = this.store.volumes.find((v) => v.id === this.store.activeImageId);
    const r = this.windowRange(w, info);
    this.viewer?.setWindow(r.min, r.max);
  }

  private lightView = false;

  /**
   * The viewer while training on a software adapter: no 3-D pane (see NiivueViewer.setRenderPane), and the
   * error map drawn as NiiVue's drawing layer (see NiivueViewer.setHeatAsDrawing), so that an error-map
   * update re-composites no overlay (each costs the UI thread ~100–250 ms there, see
   * NiivueViewer.updateLayerData). Turning it off restores both. The scene is not rebuilt either way (that
   * held the UI thread for 0.4–0.7 s on SwiftShader at the start and at the end of every run): the heat
   * layer moves between the drawing layer and the overlays, and the 3-D pane comes back in a task of its own.
   */
  async setLightView(on: boolean): Promise<void> {
    if (this.lightView === on) return;
    this.lightView = on;
    const v = this.viewer;
    if (!v) return;
    if (on) {
      v.setRenderPane(false);
      await nextTask();
      v.setHeatAsDrawing(true);
    } else {
      v.setHeatAsDrawing(false);
      await nextTask();
      v.setRenderPane(true);
    }
  }


  get viewerState() {
    return this.viewer?.state() ?? [];
  }
}
