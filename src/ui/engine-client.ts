/** Starts the engine worker and returns its typed proxy. */
import * as Comlink from 'comlink';
import type { EngineApi } from '../worker/protocol';
import { installErrorTransfer } from '../worker/transfer-errors';

export function startEngine(): { api: Comlink.Remote<EngineApi>; worker: Worker } {
  installErrorTransfer();
  const worker = new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' });
  return { api: Comlink.wrap<EngineApi>(worker), worker };
}
