/**
 * The models the workbench can segment with, and where they come from: bundled with the app (model.json +
 * weights.bin under public/models/, listed in public/models/index.json), uploaded as files, saved in IndexedDB
 * (`indexeddb://…`, available in Web Workers), or just trained by the `Trainer`. All are dual-path networks in
 * the tfjs model format written by networks/serialize.ts (`modelTopology` = the workbench's ModelTopology).
 * Anything else is refused with `WorkbenchError('bad-model')` naming the file, what was expected and found.
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CLAMP } from '../data';
import { errorMessage, WorkbenchError } from '../errors';
import { loadNet, netArtifacts, netFromConfig, type DualPathNet, type ModelMeta, type ModelTopology, type Normalisation, type PresetName, type Provenance } from '../networks';
import { makeModelTopology } from '../networks/model-format';
import type { PredictorModelMeta } from './predictor';
import type { TrainingPlan } from './train-options';

export type ModelSource = 'bundled' | 'trained' | 'uploaded' | 'saved';

export interface ModelInfo {
  id: string;
  name: string;
  /** Class names, background first. */
  classes: string[];
  /** Training spacing (x, y, z) mm. */
  spacingMm: number[];
  preset: PresetName;
  /** Trainable parameters. */
  parameters: number;
  provenance: Provenance;
  source: ModelSource;
  normalisation: Normalisation;
  /** Where it is read from: a URL, an `indexeddb://` key, or the uploaded file names. */
  location?: string;
}

/** A model ready to segment with (the network lives on the GPU; `dispose` it when done). */
export interface LoadedModel {
  info: ModelInfo;
  net: DualPathNet;
  meta: PredictorModelMeta;
}

/** One entry of public/models/index.json: a ModelInfo (without `source`) and the path of its model.json. */
export interface BundledModelEntry extends Omit<ModelInfo, 'source' | 'location'> {
  /** model.json relative to the index file, e.g. "demo-organs4/model.json". */
  path: string;
}

export interface BundledIndex {
  format: 'ct-seg-workbench/model-index';
  models: BundledModelEntry[];
}

export const MODEL_INDEX_FORMAT = 'ct-seg-workbench/model-index';
/** Prefix of the IndexedDB keys this workbench saves under. */
export const INDEXEDDB_PREFIX = 'indexeddb://ct-seg-workbench/';

function badModel(file: string, what: string, cause?: unknown): WorkbenchError {
  return new WorkbenchError('bad-model', `${file} ${what}`, { file, cause });
}

/** ModelInfo from a loaded network and its description. */
export function modelInfo(net: DualPathNet, t: Pick<ModelTopology, 'classNames' | 'trainingSpacing' | 'normalisation' | 'provenance'>, p: { id: string; name?: string; source: ModelSource; location?: string }): ModelInfo {
  return {
    id: p.id,
    name: p.name ?? `${t.classNames.slice(1).join(', ')} (${net.preset}, ${t.trainingSpacing.join('×')} mm)`,
    classes: [...t.classNames],
    spacingMm: [...t.trainingSpacing],
    preset: net.preset,
    parameters: net.summary().parameters,
    provenance: { ...t.provenance },
    source: p.source,
    normalisation: { ...t.normalisation },
    location: p.location,
  };
}

function loaded(net: DualPathNet, topology: ModelTopology, p: { id: string; name?: string; source: ModelSource; location?: string }): LoadedModel {
  return {
    info: modelInfo(net, topology, p),
    net,
    meta: { classNames: [...topology.classNames], trainingSpacing: [...topology.trainingSpacing], normalisation: { ...topology.normalisation } },
  };
}

let idCounter = 0;
const nextId = (prefix: string) => `${prefix}-${++idCounter}`;

export interface UrlLoadOptions {
  id?: string;
  name?: string;
  source?: ModelSource;
  /** For tests and Node: replaces `fetch` (model.json and weight files). */
  fetchFunc?: typeof fetch;
}

/** Loads model.json and its weight files from a URL (same origin in the app). */
export async function loadModelFromUrl(url: string, o: UrlLoadOptions = {}): Promise<LoadedModel> {
  const handler = tf.io.http(url, o.fetchFunc ? { fetchFunc: o.fetchFunc } : undefined);
  const { net, topology } = await loadNet(handler, url);
  return loaded(net, topology, { id: o.id ?? nextId('model'), name: o.name, source: o.source ?? 'bundled', location: url });
}

export interface ModelFile {
  name: string;
  /** model.json as text or bytes; weight files as bytes. */
  bytes: ArrayBuffer | Uint8Array | string;
}

function toArrayBuffer(b: ArrayBuffer | Uint8Array | string): ArrayBuffer {
  if (typeof b === 'string') return new TextEncoder().encode(b).buffer as ArrayBuffer;
  if (b instanceof Uint8Array) return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  return b;
}

function parseModelJson(file: ModelFile): tf.io.ModelJSON {
  const text = typeof file.bytes === 'string' ? file.bytes : new TextDecoder().decode(file.bytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw badModel(file.name, `is not JSON (${errorMessage(e)}); expected a tfjs model.json written by the workbench.`, e);
  }
  const obj = json as Partial<tf.io.ModelJSON> | null;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj) || !obj.modelTopology || !Array.isArray(obj.weightsManifest)) {
    const keys = typeof obj === 'object' && obj !== null ? Object.keys(obj).join(', ') || 'no keys' : typeof obj;
    throw badModel(file.name, `is not a tfjs model.json: expected "modelTopology" and "weightsManifest", found ${keys}.`);
  }
  return obj as tf.io.ModelJSON;
}

function pickModelJson(files: ModelFile[]): ModelFile {
  const jsons = files.filter((f) => /\.json$/i.test(f.name));
  if (jsons.length !== 1) {
    const names = files.map((f) => f.name).join(', ') || 'none';
    throw new WorkbenchError('bad-model', `A model upload needs exactly one model.json and its weights file(s) (e.g. weights.bin); found ${jsons.length} .json files among: ${names}.`);
  }
  return jsons[0];
}

/** The weight files named by the manifest, in order, from the uploaded files (matched by base name). */
function manifestWeights(manifest: tf.io.WeightsManifestConfig, files: ModelFile[], jsonName: string): ArrayBuffer[] {
  const byName = new Map(files.map((f) => [f.name.split(/[\\/]/).pop()!, f]));
  const out: ArrayBuffer[] = [];
  for (const group of manifest) {
    for (const path of group.paths) {
      const base = path.split('/').pop()!;
      const f = byName.get(base);
      if (!f) {
        const others = files.filter((x) => x.name !== jsonName).map((x) => x.name).join(', ') || 'none';
        throw badModel(jsonName, `lists the weights file "${base}", which was not given; found: ${others}. Load model.json together with its weights file.`);
      }
      out.push(toArrayBuffer(f.bytes));
    }
  }
  return out;
}

/** Loads a model from its files as bytes (model.json + weights.bin, e.g. dropped or chosen by the user). */
export async function loadModelFromFiles(files: ModelFile[], o: { id?: string; name?: string; source?: ModelSource } = {}): Promise<LoadedModel> {
  const jsonFile = pickModelJson(files);
  const json = parseModelJson(jsonFile);
  const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => [tf.io.getWeightSpecs(manifest), manifestWeights(manifest, files, jsonFile.name)]);
  const { net, topology } = await loadNet(tf.io.fromMemory(artifacts), jsonFile.name);
  const location = files.map((f) => f.name).join(' + ');
  return loaded(net, topology, { id: o.id ?? nextId('uploaded'), name: o.name, source: o.source ?? 'uploaded', location });
}

/** How IndexedDB is reached: tfjs's `indexeddb://` router by default; tests inject a store. */
export interface ModelStore {
  save(url: string): tf.io.IOHandler;
  load(url: string): tf.io.IOHandler;
  list(): Promise<string[]>;
  remove(url: string): Promise<void>;
}

function onlyHandler(handlers: tf.io.IOHandler[], url: string): tf.io.IOHandler {
  if (handlers.length === 0) {
    throw new WorkbenchError('not-found', `No storage handles ${url}: IndexedDB is not available here (it is in browsers and their Web Workers).`);
  }
  return handlers[0];
}

export const indexedDbStore: ModelStore = {
  save: (url) => onlyHandler(tf.io.getSaveHandlers(url), url),
  load: (url) => onlyHandler(tf.io.getLoadHandlers(url), url),
  list: async () => Object.keys(await tf.io.listModels()).filter((k) => k.startsWith(INDEXEDDB_PREFIX)),
  remove: async (url) => {
    await tf.io.removeModel(url);
  },
};

function checkIndexedDbUrl(url: string): void {
  if (!url.startsWith('indexeddb://') || url.length <= 'indexeddb://'.length) {
    throw new WorkbenchError('bad-argument', `"${url}" is not an IndexedDB model key; expected "indexeddb://<name>", e.g. "${INDEXEDDB_PREFIX}liver".`);
  }
}

/** Loads a model saved with `saveModelToIndexedDB` (e.g. "indexeddb://ct-seg-workbench/liver"). */
export async function loadModelFromIndexedDB(url: string, o: { id?: string; name?: string; store?: ModelStore } = {}): Promise<LoadedModel> {
  checkIndexedDbUrl(url);
  const { net, topology } = await loadNet((o.store ?? indexedDbStore).load(url), url);
  return loaded(net, topology, { id: o.id ?? nextId('saved'), name: o.name, source: 'saved', location: url });
}

function metaOf(m: LoadedModel): ModelMeta {
  return { classNames: [...m.meta.classNames], trainingSpacing: [...m.meta.trainingSpacing], normalisation: { ...m.meta.normalisation }, provenance: { ...m.info.provenance } };
}

/** Saves a model to IndexedDB under `url` (default: the prefix + its id); returns the key. */
export async function saveModelToIndexedDB(m: LoadedModel, url = `${INDEXEDDB_PREFIX}${m.info.id}`, store: ModelStore = indexedDbStore): Promise<string> {
  checkIndexedDbUrl(url);
  const handler = store.save(url);
  if (!handler.save) throw new WorkbenchError('bad-argument', `${url} cannot be written to.`);
  await handler.save(await netArtifacts(m.net, metaOf(m)));
  return url;
}

/** model.json (text) and weights.bin (bytes) of a model, as the app offers them for download. */
export async function modelToBytes(m: LoadedModel, weightsName = 'weights.bin'): Promise<{ modelJson: string; weights: ArrayBuffer }> {
  const a = await netArtifacts(m.net, metaOf(m));
  const json: tf.io.ModelJSON = {
    modelTopology: a.modelTopology as object,
    format: a.format,
    generatedBy: a.generatedBy,
    weightsManifest: [{ paths: [weightsName], weights: a.weightSpecs ?? [] }],
  };
  return { modelJson: JSON.stringify(json), weights: tf.io.CompositeArrayBuffer.join(a.weightData!) };
}

/** A copy of the network just trained (the Trainer keeps and later disposes its own), with its plan's description. */
export function modelFromTraining(t: { plan: TrainingPlan; net: DualPathNet; iteration: number }, o: { id?: string; name?: string; date?: string; gitCommit?: string } = {}): LoadedModel {
  const net = netFromConfig(structuredClone(t.net.config), t.plan.seed);
  const src = new Map(t.net.params.list.map((p) => [p.name, p.variable]));
  for (const p of net.params.list) p.variable.assign(src.get(p.name)!);
  const data = `${t.plan.train.map((p) => `${p.image.info.name} + ${p.label.info.name}`).join('; ')} at ${t.plan.spacing.join('×')} mm`;
  const provenance: Provenance = { seed: t.plan.seed, data, iterations: t.iteration, date: o.date ?? new Date().toISOString(), ...(o.gitCommit ? { gitCommit: o.gitCommit } : {}) };
  const topology = makeModelTopology(net.config, { classNames: t.plan.classNames, trainingSpacing: t.plan.spacing, normalisation: { ...DEFAULT_CLAMP }, provenance });
  return loaded(net, topology, { id: o.id ?? nextId('trained'), name: o.name ?? `${t.plan.runName}: ${t.plan.classNames.slice(1).join(', ')}`, source: 'trained', location: t.plan.runName });
}

function checkIndexEntry(e: unknown, i: number, file: string): asserts e is BundledModelEntry {
  const x = e as Partial<BundledModelEntry> | null;
  const ok = typeof x === 'object' && x !== null && typeof x.id === 'string' && typeof x.name === 'string' && typeof x.path === 'string' && Array.isArray(x.classes) && Array.isArray(x.spacingMm);
  if (!ok) throw badModel(file, `entry ${i} is not a model entry: expected {id, name, path, classes, spacingMm, …}, found ${JSON.stringify(e)?.slice(0, 120)}.`);
}

/** Reads public/models/index.json (or any index URL): the bundled models, listed without loading them. */
export async function readBundledIndex(indexUrl: string, fetchFunc: typeof fetch = fetch): Promise<ModelInfo[]> {
  let res: Response;
  try {
    res = await fetchFunc(indexUrl);
  } catch (e) {
    throw badModel(indexUrl, `could not be fetched (${errorMessage(e)}).`, e);
  }
  if (!res.ok) throw badModel(indexUrl, `could not be fetched: HTTP ${res.status}; expected the bundled models' index.json.`);
  let idx: Partial<BundledIndex>;
  try {
    idx = (await res.json()) as Partial<BundledIndex>;
  } catch (e) {
    throw badModel(indexUrl, `is not JSON (${errorMessage(e)}); expected {"format": "${MODEL_INDEX_FORMAT}", "models": […]}.`, e);
  }
  if (idx?.format !== MODEL_INDEX_FORMAT || !Array.isArray(idx.models)) {
    throw badModel(indexUrl, `is not a model index: expected {"format": "${MODEL_INDEX_FORMAT}", "models": […]}, found format ${JSON.stringify(idx?.format)}.`);
  }
  return idx.models.map((e, i) => {
    checkIndexEntry(e, i, indexUrl);
    const { path, ...info } = e;
    return { ...info, source: 'bundled' as const, location: resolveRelative(path, indexUrl) };
  });
}

/** `path` relative to the file at `base` (an absolute URL or a path such as "/models/index.json"). */
export function resolveRelative(path: string, base: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(base)) return new URL(path, base).href;
  return base.replace(/[^/]*$/, '') + path;
}

/**
 * The models of a session: bundled ones (listed from the index, loaded on first use), uploaded, saved and
 * trained ones. Owns the networks it holds: `remove` and `dispose` free them.
 */
export class ModelRegistry {
  private readonly entries = new Map<string, { info: ModelInfo; model?: LoadedModel }>();

  constructor(private readonly deps: { fetchFunc?: typeof fetch; store?: ModelStore } = {}) {}

  listModels(): ModelInfo[] {
    return [...this.entries.values()].map((e) => ({ ...e.info }));
  }

  /** Lists the bundled models of an index.json (not loaded until `load`). */
  async addBundledIndex(indexUrl: string): Promise<ModelInfo[]> {
    const infos = await readBundledIndex(indexUrl, this.deps.fetchFunc ?? fetch);
    for (const info of infos) if (!this.entries.has(info.id)) this.entries.set(info.id, { info });
    return infos;
  }

  /** Registers a loaded model (replacing, and disposing, one with the same id). */
  add(m: LoadedModel): ModelInfo {
    this.remove(m.info.id);
    this.entries.set(m.info.id, { info: m.info, model: m });
    return { ...m.info };
  }

  /** The model with this id, loading a bundled or saved one on first use. */
  async load(id: string): Promise<LoadedModel> {
    const e = this.entries.get(id);
    if (!e) throw new WorkbenchError('not-found', `No model with id "${id}"; known models: ${[...this.entries.keys()].join(', ') || 'none'}.`);
    if (e.model) return e.model;
    const where = e.info.location ?? '';
    const m = e.info.source === 'saved'
      ? await loadModelFromIndexedDB(where, { id, name: e.info.name, store: this.deps.store })
      : await loadModelFromUrl(where, { id, name: e.info.name, source: e.info.source, fetchFunc: this.deps.fetchFunc });
    e.model = m;
    e.info = m.info;
    return m;
  }

  async loadFiles(files: ModelFile[], o: { name?: string } = {}): Promise<ModelInfo> {
    return this.add(await loadModelFromFiles(files, o));
  }

  async loadIndexedDB(url: string): Promise<ModelInfo> {
    return this.add(await loadModelFromIndexedDB(url, { store: this.deps.store }));
  }

  /** Lists (and loads) every model this workbench saved in IndexedDB. */
  async discoverSaved(): Promise<ModelInfo[]> {
    const store = this.deps.store ?? indexedDbStore;
    const known = new Set([...this.entries.values()].map((e) => e.info.location));
    const out: ModelInfo[] = [];
    for (const url of await store.list()) if (!known.has(url)) out.push(await this.loadIndexedDB(url));
    return out;
  }

  /** Saves a model to IndexedDB; returns the key. */
  async save(id: string, url?: string): Promise<string> {
    return saveModelToIndexedDB(await this.load(id), url, this.deps.store);
  }

  async toBytes(id: string): Promise<{ modelJson: string; weights: ArrayBuffer }> {
    return modelToBytes(await this.load(id));
  }

  remove(id: string): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    e.model?.net.dispose();
    return this.entries.delete(id);
  }

  dispose(): void {
    for (const id of [...this.entries.keys()]) this.remove(id);
  }
}
