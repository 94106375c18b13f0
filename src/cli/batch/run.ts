/**
 * Running one shard of a batch: each case in turn is claimed (state.ts), read through the app's readers
 * (`readVolumeFiles`: NIfTI, NRRD, MetaImage, DICOM series), segmented by the app's predictor (`segmentVolume`, largest
 * component per class, as in the app), written (outputs.ts), recorded, and released. A case that fails is
 * recorded with its sentence and the batch goes on. The summary is rewritten after every case.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import type { Device } from '../../core/backend/device';
import { detachedDataName, readVolumeFiles, sniff, type InputFile } from '../../core/data';
import type { LoadedModel } from '../../core/engines/models';
import { segmentVolume } from '../../core/engines/predictor';
import { errorMessage, isWorkbenchError, WorkbenchError } from '../../core/errors';
import { folderFiles, inputFingerprint, type BatchCase } from './cases';
import { writeCaseOutputs, type BatchFormat } from './outputs';
import type { Progress } from './progress';
import type { Shard } from './shard';
import { claimCase, failedForGood, isFinished, readRecord, writeRecord, type CaseLock, type CaseRecord } from './state';
import { summaryName, writeSummary, type SummaryRow } from './summary';

export interface BatchOptions {
  /** This shard's cases. */
  cases: BatchCase[];
  out: string;
  model: LoadedModel;
  device: Device;
  format: BatchFormat;
  stats: boolean;
  shard: Shard;
  progress: Progress;
  /** Try again cases that failed before on the same input. */
  retryFailed?: boolean;
  /** Segment again cases that are finished. */
  force?: boolean;
  /** Called with the lock of the running case (undefined when none), so a signal handler can release it. */
  onLock?: (lock: CaseLock | undefined) => void;
}

export interface BatchOutcome {
  rows: SummaryRow[];
  /** Cases segmented in this run. */
  segmented: string[];
  /** 0: every case done; 1: some case failed; 3: none failed but some were held by another process. */
  exitCode: number;
  summaryFile: string;
}

/** What must match for a recorded case to count as finished: the model (and its version), format, statistics. */
export function jobKey(model: LoadedModel, format: BatchFormat, stats: boolean): string {
  return JSON.stringify({ model: model.info.id, trained: model.info.provenance.date ?? null, parameters: model.info.parameters, format, stats });
}

function bytesOf(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** A case's files: a folder's files, or a file (with the data file a detached NRRD / MetaImage header names). */
function inputFilesOf(c: BatchCase): InputFile[] {
  if (!existsSync(c.path)) throw new WorkbenchError('not-found', `${c.path} does not exist (${c.source}); expected a NIfTI, NRRD or MetaImage file or a DICOM folder.`, { file: c.path });
  if (statSync(c.path).isDirectory()) return folderFiles(c.path).map((p) => ({ name: `${basename(c.path)}/${relative(c.path, p)}`, bytes: bytesOf(p) }));
  const file = { name: basename(c.path), bytes: bytesOf(c.path) };
  const kind = sniff(file.bytes).kind;
  const data = kind === 'nrrd' || kind === 'metaimage' ? detachedDataName(file, kind) : undefined;
  const dataPath = data ? join(dirname(c.path), data) : undefined;
  // A data file that is not there is left to the reader, which names it.
  return dataPath && existsSync(dataPath) ? [file, { name: basename(dataPath), bytes: bytesOf(dataPath) }] : [file];
}

const round2 = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v * 100) / 100]));

async function segmentCase(c: BatchCase, o: BatchOptions, job: string, input: string, lock: CaseLock): Promise<CaseRecord> {
  const t0 = performance.now();
  const base = { case: c.id, job, input, host: hostname(), pid: process.pid };
  try {
    const files = inputFilesOf(c);
    const image = await readVolumeFiles(files);
    const t1 = performance.now();
    const r = await segmentVolume({
      device: o.device,
      net: o.model.net,
      meta: o.model.meta,
      image,
      postprocess: true,
      onProgress: (p) => {
        lock.beat();
        o.progress.tiles(p.tilesDone, p.tilesTotal, p.etaMs);
      },
    });
    const t2 = performance.now();
    const outputs = await writeCaseOutputs(o.out, { id: c.id, image, labels: r.labels, labelNames: r.labelNames, inputFiles: files.map((f) => f.name) }, { format: o.format, stats: o.stats });
    const volumesMl = round2(Object.fromEntries(Object.entries(r.volumesMl).filter(([name]) => name !== o.model.meta.classNames[0])));
    const t3 = performance.now();
    const stages = { read: (t1 - t0) / 1000, segment: (t2 - t1) / 1000, write: (t3 - t2) / 1000 };
    return { ...base, status: 'done', seconds: (t3 - t0) / 1000, stages, volumesMl, outputs, finishedAt: new Date().toISOString() };
  } catch (e) {
    const code = isWorkbenchError(e) ? e.code : undefined;
    return { ...base, status: 'failed', seconds: (performance.now() - t0) / 1000, message: errorMessage(e), code, outputs: [], finishedAt: new Date().toISOString() };
  }
}

const rowOf = (r: CaseRecord): SummaryRow => ({ case: r.case, status: r.status, seconds: r.seconds, volumesMl: r.volumesMl, message: r.message });

function describe(r: CaseRecord): string {
  if (r.status === 'failed') return `failed after ${r.seconds.toFixed(1)} s: ${r.message}`;
  const vols = Object.entries(r.volumesMl ?? {}).map(([k, v]) => `${k} ${v.toFixed(0)} mL`).join(', ');
  return `done in ${r.seconds.toFixed(1)} s (${vols})`;
}

/** Settles every case of the shard; see `BatchOutcome.exitCode`. */
export async function runBatch(o: BatchOptions): Promise<BatchOutcome> {
  const job = jobKey(o.model, o.format, o.stats);
  const organs = o.model.meta.classNames.slice(1);
  const summaryFile = summaryName(o.shard);
  const rows = new Map<string, SummaryRow>();
  const segmented: string[] = [];
  const n = o.cases.length;
  const save = () => {
    // A case another process held may have been settled by it since.
    for (const [id, row] of rows) {
      if (row.status !== 'busy') continue;
      const r = earlier(readRecord(o.out, id), inputs.get(id)!);
      if (r) rows.set(id, rowOf(r));
    }
    return writeSummary(o.out, summaryFile, [...rows.values()], organs);
  };
  const earlier = (r: CaseRecord | undefined, input: string): CaseRecord | undefined => {
    if (o.force || !r || r.job !== job) return undefined;
    if (isFinished(o.out, r, job)) return r;
    if (!o.retryFailed && failedForGood(r, input)) return r;
    return undefined;
  };
  const fingerprint = (c: BatchCase): string => {
    try {
      return inputFingerprint(c.path);
    } catch (e) {
      return `unreadable: ${errorMessage(e)}`;
    }
  };
  const inputs = new Map(o.cases.map((c) => [c.id, fingerprint(c)]));
  // The summary lists every case from the start (what earlier runs settled, the rest pending), so that it
  // is rewritten only when a case changes, and a rerun that changes nothing leaves it alone.
  for (const c of o.cases) {
    const r = earlier(readRecord(o.out, c.id), inputs.get(c.id)!);
    rows.set(c.id, r ? rowOf(r) : { case: c.id, status: 'pending' });
  }
  save();
  for (const [i, c] of o.cases.entries()) {
    // On the CPU backends a case runs without yielding to the event loop: let signals and timers in between.
    await new Promise((r) => setImmediate(r));
    const tag = `[${i + 1}/${n}] ${c.id}`;
    const input = inputs.get(c.id)!;
    const before = earlier(readRecord(o.out, c.id), input);
    if (before) {
      rows.set(c.id, rowOf(before));
      o.progress.log(`${tag}: skipped, ${before.status === 'done' ? 'done before' : `failed before on the same input (--retry-failed tries again): ${before.message}`}`);
      o.progress.end();
      save();
      continue;
    }
    const lock = claimCase(o.out, c.id, (why) => o.progress.log(`${tag}: taking over a stale lock (${why})`));
    if (!lock) {
      rows.set(c.id, { case: c.id, status: 'busy', message: 'another process is segmenting this case' });
      o.progress.log(`${tag}: skipped, another process is segmenting it`);
      o.progress.end();
      save();
      continue;
    }
    o.onLock?.(lock);
    try {
      // Another process may have finished it between our look and our claim.
      const meanwhile = earlier(readRecord(o.out, c.id), input);
      if (meanwhile) {
        rows.set(c.id, rowOf(meanwhile));
        o.progress.log(`${tag}: skipped, finished by another process meanwhile`);
        o.progress.end();
        continue;
      }
      o.progress.start(c.id);
      const rec = await segmentCase(c, o, job, input, lock);
      writeRecord(o.out, rec);
      if (rec.status === 'done') segmented.push(c.id);
      rows.set(c.id, rowOf(rec));
      o.progress.log(`${tag}: ${describe(rec)}`);
      o.progress.end(rec.status === 'done' ? rec.seconds : undefined);
    } finally {
      lock.release();
      o.onLock?.(undefined);
      save();
    }
  }
  const statuses = [...rows.values()].map((r) => r.status);
  const exitCode = statuses.includes('failed') ? 1 : statuses.includes('busy') ? 3 : 0;
  return { rows: [...rows.values()], segmented, exitCode, summaryFile };
}
