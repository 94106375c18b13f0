/// <reference lib="webworker" />
/**
 * The engine worker: a thin comlink wrapper over `src/core/engines/Engine`.
 * All tfjs and GPU work happens here, off the UI thread.
 */
import * as Comlink from 'comlink';
import { Engine } from '../core/engines/engine';
import type { EngineApi, EngineCall, EngineMethod, EngineReply } from './protocol';
import { installErrorTransfer } from './transfer-errors';

installErrorTransfer();
const engine = new Engine();

/** Buffers of a reply that move to the UI thread instead of being copied (the engine keeps none of them). */
const TRANSFERS: { [K in EngineMethod]?: (reply: EngineReply<K>) => ArrayBuffer[] } = {
  loadVolume: (r) => [r.nifti],
  errorMap: (r) => [r.data.buffer as ArrayBuffer],
  segment: (r) => [r.label.nifti, ...(r.map ? [r.map.nifti] : [])],
  makeLabels: (r) => [r.nifti],
  exportVolume: (r) => [r.buffer as ArrayBuffer],
  modelFiles: (r) => [r.weights],
};

/** Calls the engine's method and answers with a promise, its buffers transferred. */
function forward<K extends EngineMethod>(name: K): EngineCall<K> {
  const method = engine[name] as (...args: Parameters<EngineCall<K>>) => EngineReply<K> | Promise<EngineReply<K>>;
  const transfer = TRANSFERS[name] as ((reply: EngineReply<K>) => ArrayBuffer[]) | undefined;
  return async (...args) => {
    const reply = await method.apply(engine, args);
    return transfer ? Comlink.transfer(reply, transfer(reply)) : reply;
  };
}

const api: EngineApi = {
  init: forward('init'),
  loadVolume: forward('loadVolume'),
  removeVolume: forward('removeVolume'),
  volumes: forward('volumes'),
  async subscribe(handler) {
    engine.onEvent((e) => {
      // Voxel payloads move to the UI thread instead of being copied; the promise settles once the UI has handled it.
      const transfer = 'data' in e ? [e.data.buffer as ArrayBuffer] : [];
      return handler(Comlink.transfer(e, transfer));
    });
  },
  train: forward('train'),
  pauseTraining: forward('pauseTraining'),
  resumeTraining: forward('resumeTraining'),
  stopTraining: forward('stopTraining'),
  trainingStatus: forward('trainingStatus'),
  errorMap: forward('errorMap'),
  segment: forward('segment'),
  cancelSegmentation: forward('cancelSegmentation'),
  makeLabels: forward('makeLabels'),
  cancelLabels: forward('cancelLabels'),
  exportVolume: forward('exportVolume'),
  statistics: forward('statistics'),
  labelTableText: forward('labelTableText'),
  replaceLabelData: forward('replaceLabelData'),
  models: forward('models'),
  loadModel: forward('loadModel'),
  saveModel: forward('saveModel'),
  modelFiles: forward('modelFiles'),
};

Comlink.expose(api);
