/**
 * The one place that detects the runtime. Everything else in `src/core` asks here
 * instead of touching `window`, `self` or `process` directly.
 */
export type Runtime = 'browser' | 'worker' | 'node';

interface MaybeGlobals {
  document?: unknown;
  importScripts?: unknown;
  process?: { versions?: { node?: string } };
  navigator?: { gpu?: GPU; hardwareConcurrency?: number; userAgent?: string };
}

const g = globalThis as unknown as MaybeGlobals;

export function runtime(): Runtime {
  if (typeof g.document === 'object' && g.document !== null) return 'browser';
  if (typeof g.importScripts === 'function') return 'worker';
  if (g.process?.versions?.node) return 'node';
  // Module workers have no importScripts in some engines; they still have no document.
  return 'worker';
}

/** The `GPU` entry point if this runtime exposes WebGPU (browser, worker, or Node with Dawn installed). */
export function webgpuEntry(): GPU | undefined {
  return g.navigator?.gpu;
}

/** A short description of the host for benchmark and provenance records. */
export function hostDescription(): { runtime: Runtime; userAgent?: string; cores?: number } {
  return {
    runtime: runtime(),
    userAgent: g.navigator?.userAgent,
    cores: g.navigator?.hardwareConcurrency,
  };
}
