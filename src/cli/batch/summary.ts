/**
 * `summary.csv` (or `summary-<I>-of-<N>.csv` for shard I of N): one row per case of the shard, in case id
 * order: `case,status,seconds,<organ>_ml…,message`.
 * - status `done`: segmented (in this run or an earlier one; seconds and volumes are the run's that made it);
 * - `failed`: not segmented; `message` says why (the sentence of the error);
 * - `busy`: another live process held the case and had not settled it when this summary was written;
 * - `pending`: not reached yet (seen only while the shard runs, or after it was stopped).
 * Volumes are in mL with two decimals, one column per class of the model (background left out).
 * The file is rewritten after every case (atomically; busy rows refreshed from the other process's records),
 * and left alone when its content did not change.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Shard } from './shard';
import { writeAtomic } from './state';

export type CaseStatus = 'done' | 'failed' | 'busy' | 'pending';

export interface SummaryRow {
  case: string;
  status: CaseStatus;
  seconds?: number;
  volumesMl?: Record<string, number>;
  message?: string;
}

export function summaryName(shard: Shard): string {
  return shard.count === 1 ? 'summary.csv' : `summary-${shard.index}-of-${shard.count}.csv`;
}

function field(x: string): string {
  return /[",\r\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x;
}

/** The summary's text for these rows and organ names (the model's classes without background). */
export function summaryCsv(rows: SummaryRow[], organs: string[]): string {
  const lines = [['case', 'status', 'seconds', ...organs.map((o) => `${o}_ml`), 'message'].map(field).join(',')];
  for (const r of rows) {
    const vols = organs.map((o) => (r.volumesMl && r.volumesMl[o] !== undefined ? r.volumesMl[o].toFixed(2) : ''));
    lines.push([r.case, r.status, r.seconds === undefined ? '' : r.seconds.toFixed(2), ...vols, (r.message ?? '').replace(/\s+/g, ' ')].map(field).join(','));
  }
  return lines.join('\n') + '\n';
}

/** Writes the summary unless the file already says the same; returns whether it wrote. */
export function writeSummary(out: string, name: string, rows: SummaryRow[], organs: string[]): boolean {
  const path = join(out, name);
  const text = summaryCsv([...rows].sort((a, b) => (a.case < b.case ? -1 : a.case > b.case ? 1 : 0)), organs);
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  writeAtomic(path, text);
  return true;
}
