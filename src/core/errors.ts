/**
 * Typed errors whose message is the sentence a user reads: what was expected,
 * what was found, and what to do. The UI shows `message` verbatim.
 */
export type WorkbenchErrorCode =
  | 'bad-file-type'
  | 'bad-nifti'
  /** An NRRD file (.nrrd, .nhdr + data) that cannot be read as one 3-D scan; the message says why. */
  | 'bad-nrrd'
  /** A MetaImage file (.mha, .mhd + .raw/.zraw) that cannot be read as one 3-D scan. */
  | 'bad-metaimage'
  /** Something this build cannot do (e.g. an export format another build adds). */
  | 'not-available'
  | 'truncated-gzip'
  | 'bad-dicom'
  | 'bad-dimensions'
  | 'label-grid-mismatch'
  | 'bad-labels'
  | 'bad-label-table'
  | 'too-large'
  | 'not-found'
  | 'missing-labels'
  | 'bad-model'
  | 'bad-argument'
  /** Training stopped because the loss stopped being a finite number. */
  | 'diverged'
  /** Inference failed for a reason none of the other codes names (a bug, or the runtime); the message has the cause. */
  | 'inference-failed'
  | 'webgpu-unavailable'
  | 'gpu-validation'
  | 'gpu-out-of-memory'
  | 'gpu-device-lost'
  /** The volume does not look like a CT in HU (no air at −1000 HU, e.g. an MR), so HU thresholds cannot label it. */
  | 'not-ct'
  | 'cancelled'
  | 'busy';

export class WorkbenchError extends Error {
  readonly code: WorkbenchErrorCode;
  readonly file?: string;
  constructor(code: WorkbenchErrorCode, message: string, opts?: { file?: string; cause?: unknown }) {
    super(message, opts?.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'WorkbenchError';
    this.code = code;
    this.file = opts?.file;
  }
}

export function isWorkbenchError(e: unknown, code?: WorkbenchErrorCode): e is WorkbenchError {
  return e instanceof WorkbenchError && (code === undefined || e.code === code);
}

/** A plain message for anything thrown, for display and for crossing the worker boundary. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * A thrown value as plain data, for crossing a worker boundary (structured clone keeps an Error's message
 * but drops `code` and `file`). `code` is present for a `WorkbenchError` only.
 */
export interface ErrorRecord {
  message: string;
  name: string;
  stack?: string;
  code?: WorkbenchErrorCode;
  file?: string;
}

export function toErrorRecord(e: Error): ErrorRecord {
  const r: ErrorRecord = { message: e.message, name: e.name, stack: e.stack };
  if (e instanceof WorkbenchError) {
    r.code = e.code;
    if (e.file !== undefined) r.file = e.file;
  }
  return r;
}

/** The error again: a `WorkbenchError` with its code and file when it was one, else an Error with its name. */
export function fromErrorRecord(r: ErrorRecord): Error {
  const e = r.code ? new WorkbenchError(r.code, r.message, r.file === undefined ? undefined : { file: r.file }) : new Error(r.message);
  e.name = r.name;
  if (r.stack !== undefined) e.stack = r.stack;
  return e;
}
