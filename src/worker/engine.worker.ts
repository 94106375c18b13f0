/// <reference lib="webworker" />
/**
 * The engine worker: a thin comlink wrapper over `src/core/engines/Engine`.
 * All tfjs and GPU work happens here, off the UI thread.
 */
import * as Comlink from 'comlink';
import { Engine } from '../core/engines/engine';
import type { EngineApi, NamedBytes } from './protocol';
import type { LoadOptions } from '../api/types';

const engine = new Engine();

const api: EngineApi = {
  init: ({ modelIndexUrl }) => engine.init(undefined, { modelIndexUrl, savedModels: true }),
  async loadVolume(files: NamedBytes[], opts: LoadOptions) {
    const loaded = await engine.loadVolume(files, opts);
    return Comlink.transfer(loaded, [loaded.nifti]);
  },
  removeVolume: async (id) => engine.removeVolume(id),
  volumes: async () => engine.volumes(),
  async subscribe(handler) {
    engine.onEvent((e) => {
      // Voxel payloads move to the UI thread instead of being copied; the promise settles once the UI has handled it.
      const transfer = 'data' in e ? [e.data.buffer as ArrayBuffer] : [];
      return handler(Comlink.transfer(e, transfer));
    });
  },
  train: (opts) => engine.train(opts),
  pauseTraining: async () => engine.pauseTraining(),
  resumeTraining: async () => engine.resumeTraining(),
  stopTraining: () => engine.stopTraining(),
  trainingStatus: async () => engine.trainingStatus(),
  async errorMap(imageId) {
    const snap = engine.errorMap(imageId);
    return Comlink.transfer(snap, [snap.data.buffer as ArrayBuffer]);
  },
  async segment(imageId, opts) {
    const r = await engine.segment(imageId, opts);
    return Comlink.transfer(r, [r.label.nifti, ...(r.map ? [r.map.nifti] : [])]);
  },
  cancelSegmentation: async () => engine.cancelSegmentation(),
  async exportVolume(id) {
    const bytes = engine.exportVolume(id);
    return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
  labelTableText: async (id) => engine.labelTableText(id),
  replaceLabelData: async (id, nifti) => engine.replaceLabelData(id, nifti),
  models: async () => engine.models(),
  loadModel: (files, name) => engine.loadModel(files, name),
  saveModel: (id) => engine.saveModel(id),
  async modelFiles(id) {
    const f = await engine.modelFiles(id);
    return Comlink.transfer(f, [f.weights]);
  },
};

Comlink.expose(api);
