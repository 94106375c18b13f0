/**
 * A pool of threads that run the WebAssembly kernels on one shared memory. Each call is split into
 * contiguous ranges of work units; the calling thread takes range 0 and blocks (`Atomics.wait`) until
 * the others are done, so the kernels stay synchronous, as tfjs's CPU kernels must be.
 *
 * Control block: the first CTRL_INTS int32s of the memory (see ctrl slots below). Node uses
 * `worker_threads`, browsers Web Workers made from a blob: URL (no extra file for the bundler, no
 * network request; allowed by the app's CSP `worker-src 'self' blob:`).
 */
import { runtime } from '../../env';
import { WASM_KERNELS } from './kernel-table';

/** Int32 slots of the control block at byte 0 of the shared memory. */
export const CTRL = { gen: 0, done: 1, fn: 2, params: 3, units: 4, threads: 5, error: 6 } as const;
export const CTRL_BYTES = 64;

/** Source of each pool thread (plain JS: it runs in Node worker_threads and in Web Workers). */
const WORKER_SOURCE = `
const isNode = typeof process === 'object' && !!(process.versions && process.versions.node);
let port = null;
function post(m) { if (isNode) port.postMessage(m); else self.postMessage(m); }
function start(m) {
  const inst = new WebAssembly.Instance(m.module, { env: { memory: m.memory, abort() { throw new Error('wasm abort'); } } });
  const fns = ${JSON.stringify(WASM_KERNELS)}.map((n) => inst.exports[n]);
  const ctrl = new Int32Array(m.memory.buffer, 0, ${CTRL_BYTES / 4});
  const index = m.index;
  let seen = Atomics.load(ctrl, ${CTRL.gen});
  post('ready');
  for (;;) {
    Atomics.wait(ctrl, ${CTRL.gen}, seen);
    seen = Atomics.load(ctrl, ${CTRL.gen});
    const fn = ctrl[${CTRL.fn}];
    if (fn < 0) break;
    const units = ctrl[${CTRL.units}], n = ctrl[${CTRL.threads}];
    const s = Math.floor((index * units) / n), e = Math.floor(((index + 1) * units) / n);
    try { if (index < n && e > s) fns[fn](ctrl[${CTRL.params}], s, e); } catch (err) { Atomics.store(ctrl, ${CTRL.error}, 1); }
    Atomics.add(ctrl, ${CTRL.done}, 1);
    Atomics.notify(ctrl, ${CTRL.done});
  }
}
if (isNode) { port = require('node:worker_threads').parentPort; port.once('message', start); }
else { self.onmessage = (e) => start(e.data); }
`;

interface PoolThread {
  post(m: unknown): void;
  terminate(): void;
}

async function spawnThread(onReady: () => void, onError: (e: Error) => void): Promise<PoolThread> {
  if (runtime() === 'node') {
    const wtName = 'node:worker_threads';
    const { Worker } = (await import(/* @vite-ignore */ wtName)) as typeof import('node:worker_threads');
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref();
    w.on('message', () => onReady());
    w.on('error', onError);
    return { post: (m) => w.postMessage(m), terminate: () => void w.terminate() };
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const w = new Worker(url);
  URL.revokeObjectURL(url);
  w.onmessage = () => onReady();
  w.onerror = (e) => onError(new Error(e.message));
  return { post: (m) => w.postMessage(m), terminate: () => w.terminate() };
}

/** A kernel's index in the dispatch table (kernel-table.ts). */
export type KernelId = number;

export class ThreadPool {
  private constructor(
    private readonly ctrl: Int32Array,
    private readonly others: PoolThread[],
  ) {}

  /** Threads that run a call, the calling one included. */
  get size(): number {
    return this.others.length + 1;
  }

  /** Starts `threads − 1` helper threads on `memory` and waits until each has instantiated `module`. */
  static async create(module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number): Promise<ThreadPool> {
    const ctrl = new Int32Array(memory.buffer, 0, CTRL_BYTES / 4);
    const others: PoolThread[] = [];
    await Promise.all(
      Array.from({ length: threads - 1 }, (_, i) =>
        new Promise<void>((resolve, reject) => {
          void spawnThread(resolve, reject).then((t) => {
            others.push(t);
            t.post({ module, memory, index: i + 1 });
          }, reject);
        }),
      ),
    );
    return new ThreadPool(ctrl, others);
  }

  /**
   * Runs kernel `fn` on `units` work units split over the threads; `local` runs this thread's range.
   * Blocks until all threads are done. Throws if a helper thread's kernel threw.
   */
  run(fn: KernelId, params: number, units: number, local: (start: number, end: number) => void): void {
    const n = Math.max(1, Math.min(this.size, units));
    const c = this.ctrl;
    if (n === 1) {
      local(0, units);
      return;
    }
    Atomics.store(c, CTRL.done, 0);
    Atomics.store(c, CTRL.error, 0);
    c[CTRL.fn] = fn;
    c[CTRL.params] = params;
    c[CTRL.units] = units;
    c[CTRL.threads] = n;
    Atomics.add(c, CTRL.gen, 1);
    Atomics.notify(c, CTRL.gen);
    const end0 = Math.floor(units / n);
    if (end0 > 0) local(0, end0);
    // Helpers with index ≥ n (more threads than units) finish at once; wait for all of them.
    const all = this.others.length;
    for (;;) {
      const d = Atomics.load(c, CTRL.done);
      if (d >= all) break;
      Atomics.wait(c, CTRL.done, d);
    }
    if (Atomics.load(c, CTRL.error) !== 0) throw new Error('a WebAssembly pool thread failed while running a kernel');
  }

  /** Stops the helper threads. */
  dispose(): void {
    this.ctrl[CTRL.fn] = -1;
    Atomics.add(this.ctrl, CTRL.gen, 1);
    Atomics.notify(this.ctrl, CTRL.gen);
    for (const t of this.others) t.terminate();
  }
}
