/**
 * Typed errors whose message is the sentence a user reads: what was expected,
 * what was found, and what to do. The UI shows `message` verbatim.
 */
export type WorkbenchErrorCode =
  | 'bad-file-type'
  | 'bad-nifti'
  | 'truncated-gzip'
  | 'bad-dicom'
  | 'bad-dimensions'
  | 'label-grid-mismatch'
  | 'bad-labels'
  | 'bad-label-table'
  | 'too-large'
  | 'not-found'
  | 'missing-labels'
  | 'bad-labels'
  | 'bad-model'
  | 'bad-argument'
  | 'webgpu-unavailable'
  | 'gpu-validation'
  | 'gpu-out-of-memory'
  | 'gpu-device-lost'
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
