/**
 * The WebAssembly runtime of the `wasm` backend: one memory (shared between threads where the runtime
 * allows it), the kernels' module instantiated on it, a bump allocator for the tensors of one kernel
 * call, and the thread pool. Kernels are synchronous: a call lays its tensors out from `ARENA_START`,
 * runs, copies its result out, and the next call reuses the space.
 */
import { canBlockOnAtomics, canShareMemory, enableNodeRelaxedSimd, hardwareThreads } from '../../env';
import { CONV3D_WASM_BASE64, MAX_PAGES } from './generated/conv3d-wasm';
import { ThreadPool } from './pool';
import { kernelIndex, WASM_KERNELS, type WasmKernelName } from './kernel-table';

/** Bytes 0..63: the pool's control block; 256..511: the parameter block; tensors from 64 KiB on. */
export const PARAMS_PTR = 256;
export const PARAMS_INTS = 64;
const ARENA_START = 65536;
const PAGE = 65536;

export interface WasmRuntimeInfo {
  relaxedSimd: boolean;
  threads: number;
  /** Why fewer threads than the machine has are used, if so. */
  threadLimit?: string;
}

export interface WasmRuntimeOptions {
  /** Threads to use (default: the machine's hardware threads, at most 8). 1 = no pool. */
  threads?: number;
  /** Use relaxed SIMD (fused multiply-add) when the runtime has it (default true). */
  relaxedSimd?: boolean;
}

function bytesOf(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Whether this runtime validates WebAssembly SIMD at all (the backend is unavailable otherwise). */
export function hasWasmSimd(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(bytesOf(CONV3D_WASM_BASE64.simd));
}

type KernelFn = (params: number, start: number, end: number) => void;

export class WasmRuntime {
  private top = ARENA_START;
  private readonly fns: KernelFn[];

  private constructor(
    readonly memory: WebAssembly.Memory,
    instance: WebAssembly.Instance,
    private readonly pool: ThreadPool | undefined,
    readonly info: WasmRuntimeInfo,
  ) {
    const e = instance.exports as Record<string, KernelFn>;
    this.fns = WASM_KERNELS.map((n) => e[n]);
  }

  static async create(opts: WasmRuntimeOptions = {}): Promise<WasmRuntime> {
    if (!hasWasmSimd()) throw new Error('this runtime does not support WebAssembly SIMD');
    if (opts.relaxedSimd !== false) await enableNodeRelaxedSimd();
    const hw = await hardwareThreads();
    let threads = Math.max(1, Math.min(opts.threads ?? Math.min(hw, 8), 64));
    let threadLimit: string | undefined;
    const shared = canShareMemory();
    if (threads > 1 && !shared) {
      threads = 1;
      threadLimit = 'page not cross-origin isolated';
    } else if (threads > 1 && !canBlockOnAtomics()) {
      threads = 1;
      threadLimit = 'the main thread of a page cannot wait on Atomics';
    }
    const useShared = threads > 1;
    const relaxedBytes = bytesOf(useShared ? CONV3D_WASM_BASE64.relaxedShared : CONV3D_WASM_BASE64.relaxed);
    const relaxedSimd = opts.relaxedSimd !== false && WebAssembly.validate(relaxedBytes);
    const bytes = relaxedSimd ? relaxedBytes : bytesOf(useShared ? CONV3D_WASM_BASE64.simdShared : CONV3D_WASM_BASE64.simd);
    const module = await WebAssembly.compile(bytes);
    const memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared: useShared });
    const instance = await WebAssembly.instantiate(module, { env: { memory, abort: () => { throw new Error('wasm abort'); } } });
    const pool = useShared ? await ThreadPool.create(module, memory, threads) : undefined;
    return new WasmRuntime(memory, instance, pool, { relaxedSimd, threads, threadLimit });
  }

  /** Starts laying out a new call's tensors. */
  reset(): void {
    this.top = ARENA_START;
  }

  /** Reserves `floats` float32s (16-byte aligned), growing the memory if needed; returns the byte offset. */
  alloc(floats: number): number {
    const ptr = this.top;
    this.top = ptr + ((floats * 4 + 15) & ~15);
    const need = Math.ceil(this.top / PAGE);
    const have = this.memory.buffer.byteLength / PAGE;
    if (need > have) {
      if (need > MAX_PAGES) throw new Error(`a WebAssembly kernel needs ${(this.top / 2 ** 20).toFixed(0)} MiB; at most ${MAX_PAGES / 16} MiB are available`);
      this.memory.grow(need - have);
    }
    return ptr;
  }

  /** A float32 view of `floats` values at byte offset `ptr` (valid until the memory grows). */
  f32(ptr: number, floats: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, floats);
  }

  /** Writes the parameter block and returns its offset. */
  params(values: readonly number[]): number {
    if (values.length > PARAMS_INTS) throw new Error('too many kernel parameters');
    new Int32Array(this.memory.buffer, PARAMS_PTR, values.length).set(values);
    return PARAMS_PTR;
  }

  /** Runs kernel `name` over `units` work units on all threads. */
  run(name: WasmKernelName, params: number, units: number): void {
    const fn = kernelIndex(name);
    const f = this.fns[fn];
    if (this.pool) this.pool.run(fn, params, units, (s, e) => f(params, s, e));
    else f(params, 0, units);
  }

  dispose(): void {
    this.pool?.dispose();
  }
}
