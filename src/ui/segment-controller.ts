/**
 * Segmentation from the UI and from `window.workbench`: models (list, load, save, download), segmenting a
 * scan with progress and cancel, results (volumes, Dice/IoU), corrections with the drawing tools, export.
 */
import type { ExportFormat, ExportOptions, ModelSummary, OrganStatistics, SegmentOptions, SegmentResultInfo } from '../api/types';
import { EXPORT_EXTENSIONS, stripVolumeExtension } from '../core/data/export';
import { statisticsCsv, statisticsJson } from '../core/metrics/statistics';
import type { EngineEvent } from '../worker/protocol';
import type { AppController } from './controller';
import { reportFailure, showFailure } from './failures';
import { useAppStore } from './store';
import { useSegmentationStore } from './store/segmentation';
import { fileToNamedBytes } from './sources';
import { downloadBytes } from './download';
import { timed } from './timing';

export class SegmentController {
  private readonly subscribe: () => Promise<void>;

  constructor(private readonly app: AppController) {
    this.subscribe = app.engineListener((e: EngineEvent) => {
      if (e.type === 'segment-progress') this.seg.setProgress({ imageId: e.imageId, stage: e.stage, tilesDone: e.tilesDone, tilesTotal: e.tilesTotal, elapsedMs: e.elapsedMs, etaMs: e.etaMs });
      else if (e.type === 'models-changed') void this.refreshModels().catch(showFailure);
    });
  }

  private get seg() {
    return useSegmentationStore.getState();
  }

  async init(): Promise<void> {
    await this.subscribe();
    await this.refreshModels();
  }

  async refreshModels(): Promise<ModelSummary[]> {
    const list = await this.app.engine.models();
    this.seg.setModels(list);
    return list;
  }

  models(): ModelSummary[] {
    return this.seg.models.map((m) => structuredClone(m));
  }

  async segment(imageId: string, opts: SegmentOptions = {}): Promise<SegmentResultInfo> {
    await this.subscribe();
    const model = opts.model ?? this.seg.selectedModel;
    this.seg.setRunning(true);
    const done = useAppStore.getState().beginTask('Segmenting');
    try {
      const r = await timed('segment.engine', () => this.app.engine.segment(imageId, { ...opts, ...(model ? { model } : {}) }));
      await timed('segment.show', async () => {
        await this.app.addLoaded(r.label);
        if (r.map) await this.app.addLoaded(r.map);
      });
      this.seg.addResult({ ...r.result, model: model ?? '', imageId });
      // The table's HU and statistics follow in a moment; segment() does not wait for them.
      void this.statistics(r.result.labelId).catch(showFailure);
      const dice = r.result.dice ? ` Dice: ${Object.entries(r.result.dice).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}.` : '';
      const warnings = r.result.warnings ?? [];
      const note = warnings.length ? ` with ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : '';
      const app = useAppStore.getState();
      app.pushMessage('info', `Segmented in ${(r.result.ms / 1000).toFixed(1)} s${note}.${dice}`);
      // As after a load: the warnings come after the summary line, so the last message is one a user must read.
      for (const w of warnings) app.pushMessage('warning', w);
      return r.result;
    } catch (e) {
      return reportFailure(e);
    } finally {
      this.seg.setRunning(false);
      done();
    }
  }

  cancel(): Promise<boolean> {
    return this.app.engine.cancelSegmentation();
  }

  exportVolume(id: string, opts?: ExportOptions): Promise<Uint8Array> {
    return this.app.engine.exportVolume(id, opts);
  }

  /** Per-organ statistics of a label map; also kept in the store for the results table. */
  async statistics(labelId: string): Promise<OrganStatistics[]> {
    const rows = await this.app.engine.statistics(labelId);
    this.seg.setStatistics(labelId, rows);
    return rows;
  }

  /** Downloads a volume in its own grid (.nii.gz, .nrrd or .mha), and a label map's table beside it. */
  async download(id: string, format: ExportFormat = 'nifti'): Promise<void> {
    const info = useAppStore.getState().volumes.find((v) => v.id === id);
    if (!info) return;
    try {
      const base = stripVolumeExtension(info.name);
      downloadBytes(`${base}${EXPORT_EXTENSIONS[format]}`, await this.exportVolume(id, { format }));
      if (info.role === 'label') downloadBytes(`${base}.labels.txt`, await this.app.engine.labelTableText(id), 'text/plain');
    } catch (e) {
      showFailure(e);
    }
  }

  /** Downloads a label map's statistics as CSV or as JSON (TotalSegmentator's `statistics.json` shape). */
  async downloadStatistics(labelId: string, kind: 'csv' | 'json'): Promise<void> {
    const info = useAppStore.getState().volumes.find((v) => v.id === labelId);
    if (!info) return;
    try {
      const rows = await this.statistics(labelId);
      const base = `${stripVolumeExtension(info.name)}.statistics`;
      if (kind === 'csv') downloadBytes(`${base}.csv`, statisticsCsv(rows), 'text/csv');
      else downloadBytes(`${base}.json`, statisticsJson(rows), 'application/json');
    } catch (e) {
      showFailure(e);
    }
  }

  // ---- corrections ----

  beginEdit(labelId: string): void {
    const v = this.app.viewerInstance;
    if (!v) return;
    void this.app.show(labelId).then(() => {
      v.beginEdit(labelId);
      this.seg.setEditing(labelId);
      const first = Number(Object.keys(useAppStore.getState().volumes.find((x) => x.id === labelId)?.labels ?? { 1: '' })[0]);
      v.setPen(first, false);
    });
  }

  setPen(value: number, filled: boolean): void {
    this.app.viewerInstance?.setPen(value, filled);
  }

  undo(): void {
    this.app.viewerInstance?.undo();
  }

  /** Keeps the edits: the label map in the engine (and so in exports) becomes the edited one. */
  async applyEdit(): Promise<void> {
    const v = this.app.viewerInstance;
    const id = this.seg.editing;
    if (!v || !id) return;
    try {
      const nifti = await v.finishEdit();
      const info = await this.app.engine.replaceLabelData(id, nifti.slice(0));
      await this.app.replaceLoaded(info, nifti);
      useAppStore.getState().pushMessage('info', `Kept the edits to ${info.name}.`);
      if (this.seg.statistics[id]) await this.statistics(id);
    } catch (e) {
      reportFailure(e);
    } finally {
      this.seg.setEditing(undefined);
    }
  }

  cancelEdit(): void {
    this.app.viewerInstance?.cancelEdit();
    this.seg.setEditing(undefined);
  }

  // ---- models ----

  async loadModelFiles(files: File[]): Promise<ModelSummary> {
    try {
      const named = await Promise.all(files.map(fileToNamedBytes));
      const m = await this.app.engine.loadModel(named);
      await this.refreshModels();
      this.seg.selectModel(m.id);
      useAppStore.getState().pushMessage('info', `Loaded model ${m.name} (${m.classes.slice(1).join(', ')}).`);
      return m;
    } catch (e) {
      return reportFailure(e);
    }
  }

  async saveModel(id: string): Promise<string> {
    try {
      const key = await this.app.engine.saveModel(id);
      useAppStore.getState().pushMessage('info', `Saved the model in this browser (${key}).`);
      return key;
    } catch (e) {
      return reportFailure(e);
    }
  }

  async downloadModel(id: string): Promise<void> {
    const f = await this.app.engine.modelFiles(id);
    // tfjs's layout: model.json names its weights file (weights.bin) in its manifest.
    downloadBytes('model.json', f.modelJson, 'application/json');
    downloadBytes('weights.bin', f.weights);
  }
}
