/**
 * The typed surface between the UI thread and the engine worker, derived from the engine's own contract
 * (`src/core/engines/contract.ts`): every method of `EngineProtocol`, answered with a promise, plus the
 * event subscription. Calls go through comlink; large buffers are transferred, not copied.
 */
import type { EngineListener, EngineProtocol } from '../core/engines/contract';

export type { EngineEvent, EngineListener, LoadedVolume, NamedBytes, SegmentReply } from '../core/engines/contract';

export type EngineMethod = keyof EngineProtocol;

/** What an engine method answers, once awaited. */
export type EngineReply<K extends EngineMethod> = Awaited<ReturnType<EngineProtocol[K]>>;

/** An engine method as the UI calls it: the same arguments, the answer a promise. */
export type EngineCall<K extends EngineMethod> = (...args: Parameters<EngineProtocol[K]>) => Promise<EngineReply<K>>;

export type EngineApi = { [K in EngineMethod]: EngineCall<K> } & {
  /** Registers the UI's event handler (a comlink proxy). */
  subscribe(handler: EngineListener): Promise<void>;
};
