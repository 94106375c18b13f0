/**
 * The engine facade: one per worker (or Node process). It owns the compute backend and the loaded
 * volumes; training and inference are added beside it. Every method takes and returns plain data.
 */
import type {
  BackendStatus, EngineEvent, EngineInitOptions, EngineListener, EngineProtocol, ErrorMapSnapshot, ExportOptions, LoadedVolume, LoadOptions, ModelBytes,
  MakeLabelsOptions, ModelSummary, OrganStatistics, SegmentOptions, SegmentReply, TrainingStatus, TrainOptions, TrainRun, VolumeInfo,
} from './contract';
import type { Device } from '../backend/device';
import { initBackend } from '../backend/select';
import { checkLabelMatchesImage, DEMO_LABELS, exportBytes, labelArray, readNifti, realValues, writeNifti, type LabelTable, type Volume } from '../data';
import { organStatistics } from '../metrics/statistics';
import { errorMessage, WorkbenchError } from '../errors';
import { modelFromTraining, ModelRegistry, type ModelFile, type ModelInfo } from './models';
import { Segmenter } from './segmenter';
import { VolumeStore } from './volume-store';
import { loadVolumeIntoStore, type NamedBytes } from './load-volume';
import { describeRun, Trainer } from './trainer';
import { AutoLabeller } from './auto-labeller';

function builtInTables(name: string): LabelTable | undefined {
  return /labels-organs4/i.test(name) ? DEMO_LABELS : undefined;
}

/** A volume as an uncompressed NIfTI for the viewer; maps as float32 real values (NiiVue ignores an overlay's scale slope). */
function niftiOf(v: Volume, role: VolumeInfo['role']): ArrayBuffer {
  const shown = role === 'map' ? { ...v, data: realValues(v), scale: { slope: 1, inter: 0 } } : v;
  const bytes = writeNifti(shown, { gzip: false, intent: role === 'label' ? 'label' : 'image' });
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function modelSummary(m: ModelInfo): ModelSummary {
  return { id: m.id, name: m.name, classes: [...m.classes], spacingMm: [...m.spacingMm], preset: m.preset, parameters: m.parameters, source: m.source, provenance: { ...m.provenance } };
}

export class Engine implements EngineProtocol {
  readonly store = new VolumeStore();
  readonly trainer: Trainer;
  readonly modelRegistry = new ModelRegistry();
  readonly segmenter: Segmenter;
  readonly labeller: AutoLabeller;
  private chosen?: Device;
  private readonly listeners = new Set<EngineListener>();

  constructor() {
    const device = () => this.device;
    this.trainer = new Trainer({ store: this.store, device, emit: (e) => this.onTrainerEvent(e) });
    this.segmenter = new Segmenter({ store: this.store, models: this.modelRegistry, device, emit: (e) => this.emit(e) });
    this.labeller = new AutoLabeller({ store: this.store, emit: (e) => this.emit(e) });
  }

  /** A finished (or stopped) run's network becomes a model the workbench can segment with and save. */
  private async onTrainerEvent(e: EngineEvent): Promise<void> {
    if (e.type === 'state' && (e.state === 'done' || (e.state === 'error' && (this.trainer.latest?.status.iteration ?? 0) > 0))) {
      const t = this.trainer.latest;
      if (t) this.modelRegistry.add(modelFromTraining({ plan: t.plan, net: t.net, iteration: t.status.iteration }, { id: `trained-${e.runId}` }));
      await this.emit(e);
      await this.emit({ type: 'models-changed' });
      return;
    }
    await this.emit(e);
  }

  /** Subscribes to training and inference events; returns an unsubscribe function. */
  onEvent(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves when every listener has handled the event (see TrainerDeps.emit). A listener that fails does
   * not stop the others nor the run; its error is logged.
   */
  private async emit(e: EngineEvent): Promise<void> {
    const settled = await Promise.allSettled([...this.listeners].map(async (l) => l(e)));
    for (const s of settled) if (s.status === 'rejected') console.error(`An engine event listener failed on a "${e.type}" event:`, s.reason);
  }

  /**
   * Chooses the backend and lists the models: the bundled ones (`modelIndexUrl`, absolute) and, in a browser,
   * those saved in IndexedDB. A missing index is not an error (the workbench still trains and loads models):
   * it is logged as a warning.
   */
  async init(opts: EngineInitOptions = {}): Promise<BackendStatus> {
    this.chosen ??= await initBackend(opts.backends);
    if (opts.modelIndexUrl) await this.modelRegistry.addBundledIndex(opts.modelIndexUrl).catch((e) => console.warn('No bundled models:', errorMessage(e)));
    if (opts.savedModels) await this.modelRegistry.discoverSaved().catch((e) => console.warn('The models saved in this browser could not be listed:', errorMessage(e)));
    const { name, adapter, reason } = this.chosen.info;
    const software = this.chosen.software;
    return reason ? { name, adapter, reason, software } : { name, adapter, software };
  }

  /** The device `init` chose (throws before `init`): passed to the trainer and the segmenter. */
  get device(): Device {
    if (!this.chosen) throw new Error('Engine.init() has not run yet: it chooses the compute device.');
    return this.chosen;
  }

  async loadVolume(files: NamedBytes[], opts: LoadOptions = {}): Promise<LoadedVolume> {
    const item = await loadVolumeIntoStore(files, opts, {
      store: this.store,
      limits: this.chosen?.limits,
      builtInTables,
    });
    try {
      return { info: item.info, nifti: niftiOf(item.volume, item.info.role) };
    } catch (e) {
      // A load is all or nothing: what cannot be handed to the viewer is not kept either.
      this.store.remove(item.info.id);
      throw e;
    }
  }

  /**
   * Removes a volume (an image with its label maps). Refused ('busy', nothing removed) while a training run
   * that is running or paused uses it or one of its label maps, and while the image is being segmented or
   * labelled: the sentence names the run or the job and what to do.
   */
  removeVolume(id: string): string[] {
    if (!this.store.has(id)) return [];
    const item = this.store.get(id);
    const going = [id, ...(item.info.role === 'image' ? this.store.attachedTo(id).map((v) => v.info.id) : [])];
    const run = this.trainer.active;
    if (run && run.volumeIds.some((v) => going.includes(v))) {
      throw new WorkbenchError('busy', `${item.info.name} is in use by the training run ${describeRun(run)}; stop the run before removing it.`);
    }
    for (const [job, busyWith, todo] of [['segmented', this.segmenter.imageId, 'cancel the segmentation'], ['labelled automatically', this.labeller.imageId, 'cancel the labelling']] as const) {
      if (busyWith !== undefined && busyWith === id) throw new WorkbenchError('busy', `${item.info.name} is being ${job}; ${todo} or wait for it to finish before removing it.`);
    }
    return this.store.remove(id);
  }

  volumes(): VolumeInfo[] {
    return this.store.list();
  }

  /**
   * Resolves once training has started (data prepared, network built); progress comes as events.
   * `resumeFrom` (a model id) continues from that model's weights.
   */
  async train(opts: TrainOptions): Promise<TrainRun> {
    const resume = opts.resumeFrom ? { net: (await this.modelRegistry.load(opts.resumeFrom)).net, iteration: 0 } : undefined;
    const { runId, plan } = await this.trainer.start(opts, resume ? { resume } : {});
    return { runId, runName: plan.runName, iterations: plan.iterations, preset: plan.preset };
  }

  // ---- Segmentation, models, export ----

  models(): ModelSummary[] {
    return this.modelRegistry.listModels().map(modelSummary);
  }

  async segment(imageId: string, opts: SegmentOptions = {}): Promise<SegmentReply> {
    const out = await this.segmenter.segment(imageId, opts);
    const label = { info: out.label.info, nifti: niftiOf(out.label.volume, 'label') };
    const map = out.map && { info: out.map.info, nifti: niftiOf(out.map.volume, 'map') };
    return { result: out.info, label, ...(map ? { map } : {}) };
  }

  cancelSegmentation(): boolean {
    return this.segmenter.cancel();
  }

  /** Labels without supervision (body, lungs, bone) as a label map attached to the image. */
  async makeLabels(imageId: string, opts: MakeLabelsOptions): Promise<LoadedVolume> {
    const item = await this.labeller.make(imageId, opts);
    return { info: item.info, nifti: niftiOf(item.volume, 'label') };
  }

  cancelLabels(): boolean {
    return this.labeller.cancel();
  }

  /** A volume's bytes in its own grid: .nii.gz (default; label maps as uint8 with intent "label"), .nrrd or .mha. */
  exportVolume(id: string, opts: ExportOptions = {}): Uint8Array {
    const { volume, info } = this.store.get(id);
    return exportBytes(volume, { intent: info.role === 'label' ? 'label' : 'image', ...(opts.format ? { format: opts.format } : {}) });
  }

  /** Per-organ statistics of a label map, with the HU of the image it is attached to (see `organStatistics`). */
  statistics(labelId: string): OrganStatistics[] {
    const { volume, info } = this.store.get(labelId);
    if (info.role !== 'label') throw new WorkbenchError('bad-argument', `${info.name} is a ${info.role} volume, not a label map; statistics are per organ of a label map.`);
    const image = info.imageId && this.store.has(info.imageId) ? this.store.get(info.imageId).volume : undefined;
    return organStatistics(labelArray(volume), image?.data, volume.dims, volume.affine, info.labels ?? {}, image ? { scale: image.scale } : {});
  }

  /** "index name" lines for a label map (the table that goes with an export). */
  labelTableText(id: string): string {
    const { info } = this.store.get(id);
    if (info.role !== 'label') throw new WorkbenchError('bad-argument', `${info.name} is not a label map, so it has no label table.`);
    return ['0 background', ...Object.entries(info.labels ?? {}).map(([k, n]) => `${k} ${n}`)].join('\n') + '\n';
  }

  /** Replaces a label map's voxels with an edited version (a NIfTI on the same grid, e.g. from the viewer's drawing). */
  replaceLabelData(id: string, nifti: ArrayBuffer): VolumeInfo {
    const item = this.store.get(id);
    if (item.info.role !== 'label') throw new WorkbenchError('bad-argument', `${item.info.name} is not a label map; only label maps can be edited.`);
    const edited = readNifti(nifti, `the edited ${item.info.name}`);
    const image = this.store.get(item.info.imageId!);
    checkLabelMatchesImage(edited, image.volume);
    const data = Uint8Array.from(labelArray(edited));
    return this.store.replaceData(id, data).info;
  }

  async loadModel(files: ModelFile[], name?: string): Promise<ModelSummary> {
    const info = await this.modelRegistry.loadFiles(files, { name });
    return modelSummary(info);
  }

  /** Saves a model in this browser (IndexedDB); returns its key. */
  saveModel(id: string): Promise<string> {
    return this.modelRegistry.save(id);
  }

  /** A model as tfjs files (model.json + weights.bin), e.g. for download. */
  modelFiles(id: string): Promise<ModelBytes> {
    return this.modelRegistry.toBytes(id);
  }

  pauseTraining(): void {
    this.trainer.pause();
  }

  resumeTraining(): void {
    this.trainer.resume();
  }

  stopTraining(): Promise<void> {
    return this.trainer.stop();
  }

  trainingStatus(): TrainingStatus {
    return this.trainer.status();
  }

  errorMap(imageId: string): ErrorMapSnapshot {
    return this.trainer.errorMap(imageId);
  }
}
