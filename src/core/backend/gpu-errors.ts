import { WorkbenchError } from '../errors';

/**
 * Watches a GPUDevice for validation errors, out-of-memory and device loss.
 *
 * tfjs 4.22 never checks for GPU errors: an invalid WGSL program leaves its output as zeros and
 * only the console hears about it. Every GPU job in the workbench runs inside `Device.run` (error
 * scopes, `scoped` below), so a silent failure becomes a typed `WorkbenchError` instead of a wrong answer.
 */
export interface GpuErrorRecord {
  kind: 'validation' | 'out-of-memory' | 'internal' | 'device-lost';
  message: string;
  at: number;
}

export class GpuErrorMonitor {
  private readonly records: GpuErrorRecord[] = [];
  private lostInfo?: { reason: string; message: string };
  private readonly maxRecords = 50;
  private totalCount = 0;
  private readonly listeners = new Set<(r: GpuErrorRecord) => void>();

  constructor(readonly device: GPUDevice) {
    const onError = (ev: Event) => {
      const err = (ev as GPUUncapturedErrorEvent).error;
      this.record(classify(err), err?.message ?? String(err));
    };
    if (typeof device.addEventListener === 'function') device.addEventListener('uncapturederror', onError);
    else (device as { onuncapturederror: ((ev: Event) => void) | null }).onuncapturederror = onError;
    void device.lost.then((info) => {
      this.lostInfo = { reason: info.reason ?? 'unknown', message: info.message };
      this.record('device-lost', `${info.reason ?? 'unknown'}: ${info.message}`);
    });
  }

  private record(kind: GpuErrorRecord['kind'], message: string): void {
    this.totalCount++;
    const r = { kind, message, at: Date.now() };
    if (this.records.length < this.maxRecords) this.records.push(r);
    for (const l of this.listeners) l(r);
  }

  /** Called on every error as it arrives (for logging into the UI). Returns an unsubscribe function. */
  onError(listener: (r: GpuErrorRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** How many errors were seen since creation (or since the last `clear`). */
  get count(): number {
    return this.totalCount;
  }

  get lost(): boolean {
    return this.lostInfo !== undefined;
  }

  errors(): readonly GpuErrorRecord[] {
    return this.records;
  }

  clear(): void {
    this.records.length = 0;
    this.totalCount = 0;
  }

  /**
   * Throws a typed error if the device reported anything since the last `clear`.
   * `what` names the job in the message ("training step 12", "conv3d parity case 3").
   */
  check(what: string): void {
    if (this.lostInfo) {
      throw new WorkbenchError(
        'gpu-device-lost',
        `The GPU device was lost during ${what} (${this.lostInfo.reason}: ${this.lostInfo.message}). ` +
          'Reload the page to get a new device; loaded volumes are kept in this tab until then.',
      );
    }
    if (this.totalCount === 0) return;
    const first = this.records[0];
    const code = first.kind === 'out-of-memory' ? 'gpu-out-of-memory' : 'gpu-validation';
    const msg =
      `The GPU reported ${this.totalCount} ${first.kind} error${this.totalCount > 1 ? 's' : ''} during ${what}; ` +
      `its results cannot be trusted. First: ${first.message.split('\n')[0]}`;
    this.clear();
    throw new WorkbenchError(code, msg);
  }

  /**
   * Runs `fn` inside validation and out-of-memory error scopes, awaits their verdict (`popErrorScope`
   * resolves once the device has judged every command issued inside) and throws on any error, also when
   * `fn` itself threw: the GPU error explains a wrong result better than a failed comparison does.
   * Production code reaches this through `Device.run`.
   */
  async scoped<T>(what: string, fn: () => Promise<T>): Promise<T> {
    this.device.pushErrorScope('validation');
    this.device.pushErrorScope('out-of-memory');
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await fn() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    const oom = await this.device.popErrorScope();
    const val = await this.device.popErrorScope();
    if (oom) this.record('out-of-memory', oom.message);
    if (val) this.record('validation', val.message);
    this.check(what);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }
}

function classify(err: GPUError | undefined): GpuErrorRecord['kind'] {
  const name = err?.constructor?.name ?? '';
  if (name.includes('OutOfMemory')) return 'out-of-memory';
  if (name.includes('Internal')) return 'internal';
  return 'validation';
}
