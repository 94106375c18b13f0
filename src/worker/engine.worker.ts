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
  init: () => engine.init(),
  async loadVolume(files: NamedBytes[], opts: LoadOptions) {
    const loaded = await engine.loadVolume(files, opts);
    return Comlink.transfer(loaded, [loaded.nifti]);
  },
  removeVolume: async (id) => engine.removeVolume(id),
  volumes: async () => engine.volumes(),
};

Comlink.expose(api);
