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

interface IsolationGlobals {
  crossOriginIsolated?: boolean;
  SharedArrayBuffer?: unknown;
  Atomics?: { wait?: unknown };
}

/**
 * Whether this runtime may share WebAssembly memory between threads: Node always; a page or worker
 * only when cross-origin isolated (served with COOP `same-origin` and COEP `require-corp`).
 */
export function canShareMemory(): boolean {
  const w = globalThis as unknown as IsolationGlobals;
  if (typeof w.SharedArrayBuffer !== 'function') return false;
  return runtime() === 'node' || w.crossOriginIsolated === true;
}

/** Whether this thread may block in `Atomics.wait` (Node and workers yes, a page's main thread no). */
export function canBlockOnAtomics(): boolean {
  return runtime() !== 'browser';
}

/** Hardware threads of the machine (Node: `os.availableParallelism()`, browsers: `navigator.hardwareConcurrency`). */
export async function hardwareThreads(): Promise<number> {
  if (runtime() === 'node') {
    const osName = 'node:os';
    const os = (await import(/* @vite-ignore */ osName)) as typeof import('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return g.navigator?.hardwareConcurrency ?? 1;
}

/**
 * In Node 20 (V8 11.3) relaxed SIMD is behind `--experimental-wasm-relaxed-simd`; V8 lets a process
 * turn it on before compiling any module that uses it. Returns whether the flag was set (Node only).
 */
export async function enableNodeRelaxedSimd(): Promise<boolean> {
  if (runtime() !== 'node') return false;
  const v8Name = 'node:v8';
  const v8 = (await import(/* @vite-ignore */ v8Name)) as typeof import('node:v8');
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return true;
}

/**
 * Resolves in a new task, after the messages and timers already queued. Long loops (training steps, tiles)
 * await it once per round: on the wasm and cpu backends `data()` resolves as a microtask, so without it a
 * whole training run or segmentation would hold the worker and its stop, pause, cancel and load messages
 * would wait for the end. A MessageChannel round trip (not clamped to 4 ms as nested timers are); a timer
 * where there is none.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel !== 'function') return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
