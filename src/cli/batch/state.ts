/**
 * What a batch leaves in its output folder besides the results, and how two processes share it safely:
 *
 * - `DIR/.ctseg/<case>.lock`: the claim of the process segmenting the case, created with O_EXCL (only one
 *   process can create it), holding its host and pid; its modification time is refreshed every
 *   `HEARTBEAT_MS` while the case runs (by a timer, and by `beat()`, which the batch calls on every tile:
 *   on the CPU backends a segmentation never yields to the event loop, so timers wait until it ends). A lock whose process is gone (same host, pid not running) or whose
 *   heartbeat stopped (`STALE_MS`, any host: a machine that died) is taken over.
 * - `DIR/.ctseg/<case>.json`: the record of a finished case (done or failed), written after its outputs.
 *   A case is finished when its record says done, names the same job (model, format, statistics), and
 *   every output it lists exists. A case that failed because of its input (`INPUT_ERRORS`: not a scan, a
 *   truncated or malformed file, …) is not retried while the input is unchanged (same sizes and modification
 *   times) unless asked (`--retry-failed`); any other failure (out of GPU memory, a lost device, a bug) is
 *   retried by the next run.
 *
 * Every file is written atomically: into a temporary name in the same folder, then renamed.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';

export const STATE_DIR = '.ctseg';
export const HEARTBEAT_MS = 30_000;
export const STALE_MS = 10 * 60_000;

let tmpCounter = 0;

/** Writes `bytes` to `path` so that readers see the old file or the whole new one, never a part. */
export function writeAtomic(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${path.split(/[\\/]/).pop()}.tmp-${process.pid}-${++tmpCounter}`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export interface CaseRecord {
  case: string;
  status: 'done' | 'failed';
  seconds: number;
  /** Seconds per stage (done cases): reading the input, segmenting, writing the outputs. */
  stages?: { read: number; segment: number; write: number };
  /** mL per class name (done cases). */
  volumesMl?: Record<string, number>;
  /** The sentence that says why (failed cases). */
  message?: string;
  /** The `WorkbenchError` code of a failure, when it had one. */
  code?: string;
  /** Output file names, relative to the output folder. */
  outputs: string[];
  /** What was asked for (model, format, statistics): a record of another job does not count as finished. */
  job: string;
  /** The input as it was (see `inputFingerprint`). */
  input: string;
  finishedAt: string;
  host: string;
  pid: number;
}

/** Failures that come from the input itself, so that running again on the same input would fail again. */
export const INPUT_ERRORS: readonly string[] = [
  'bad-file-type', 'bad-nifti', 'bad-nrrd', 'bad-metaimage', 'truncated-gzip', 'bad-dicom', 'bad-dimensions', 'too-large', 'not-found', 'bad-argument',
];

/** A failure that a rerun on the same input would repeat. */
export function failedForGood(r: CaseRecord, input: string): boolean {
  return r.status === 'failed' && r.input === input && r.code !== undefined && INPUT_ERRORS.includes(r.code);
}

export function recordPath(out: string, id: string): string {
  return join(out, STATE_DIR, `${id}.json`);
}

export function readRecord(out: string, id: string): CaseRecord | undefined {
  const p = recordPath(out, id);
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as CaseRecord;
  } catch {
    return undefined;
  }
}

export function writeRecord(out: string, r: CaseRecord): void {
  writeAtomic(recordPath(out, r.case), JSON.stringify(r, null, 1) + '\n');
}

/** Done for this job, with every output still there. */
export function isFinished(out: string, r: CaseRecord | undefined, job: string): boolean {
  return !!r && r.status === 'done' && r.job === job && r.outputs.every((f) => existsSync(join(out, f)));
}

interface LockBody {
  host: string;
  pid: number;
  startedAt: string;
}

function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why an existing lock no longer holds, or undefined while its owner is alive. */
function staleReason(path: string, now: number): string | undefined {
  let body: Partial<LockBody>;
  let mtime: number;
  try {
    mtime = statSync(path).mtimeMs;
    body = JSON.parse(readFileSync(path, 'utf8')) as LockBody;
  } catch {
    // Half-written by a process that died between open and write, or removed meanwhile.
    return existsSync(path) ? 'unreadable' : 'gone';
  }
  if (body.host === hostname() && typeof body.pid === 'number' && body.pid !== process.pid && !pidRunning(body.pid)) return `process ${body.pid} has ended`;
  if (now - mtime > STALE_MS) return `no heartbeat for ${Math.round((now - mtime) / 60_000)} min`;
  return undefined;
}

export interface CaseLock {
  /** Refreshes the heartbeat when `HEARTBEAT_MS` have passed since the last one (cheap to call often). */
  beat(): void;
  release(): void;
}

/**
 * Claims a case for this process; undefined when another live process holds it. Takes over a stale lock
 * (`onStale` says why).
 */
export function claimCase(out: string, id: string, onStale?: (why: string) => void): CaseLock | undefined {
  const path = join(out, STATE_DIR, `${id}.lock`);
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const why = staleReason(path, Date.now());
      if (!why) return undefined;
      if (why !== 'gone') {
        // Rename first: of two processes taking over the same stale lock, one rename succeeds.
        const aside = `${path}.stale-${process.pid}`;
        try {
          renameSync(path, aside);
        } catch {
          continue;
        }
        rmSync(aside, { force: true });
        onStale?.(why);
      }
      continue;
    }
    const body: LockBody = { host: hostname(), pid: process.pid, startedAt: new Date().toISOString() };
    writeSync(fd, JSON.stringify(body));
    closeSync(fd);
    let beatAt = Date.now();
    const touch = () => {
      beatAt = Date.now();
      try {
        const t = new Date(beatAt);
        utimesSync(path, t, t);
      } catch {
        // The lock was taken over (we were presumed dead); the record decides what is finished.
      }
    };
    const timer = setInterval(touch, HEARTBEAT_MS);
    timer.unref();
    return {
      beat() {
        if (Date.now() - beatAt >= HEARTBEAT_MS) touch();
      },
      release() {
        clearInterval(timer);
        try {
          const b = JSON.parse(readFileSync(path, 'utf8')) as LockBody;
          if (b.host === body.host && b.pid === body.pid && b.startedAt === body.startedAt) rmSync(path, { force: true });
        } catch {
          // Already gone.
        }
      },
    };
  }
  return undefined;
}
