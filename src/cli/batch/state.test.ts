import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimCase, failedForGood, isFinished, readRecord, STALE_MS, STATE_DIR, writeAtomic, writeRecord, type CaseRecord } from './state';

let out: string;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'ctseg-state-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

const lockFile = (id: string) => join(out, STATE_DIR, `${id}.lock`);
function plantLock(id: string, body: object, ageMs = 0): void {
  mkdirSync(join(out, STATE_DIR), { recursive: true });
  writeFileSync(lockFile(id), JSON.stringify(body));
  const t = new Date(Date.now() - ageMs);
  utimesSync(lockFile(id), t, t);
}

describe('claimCase', () => {
  it('gives a case to one claimant at a time, and again after release', () => {
    const a = claimCase(out, 'c1');
    expect(a).toBeDefined();
    expect(claimCase(out, 'c1')).toBeUndefined();
    expect(JSON.parse(readFileSync(lockFile('c1'), 'utf8'))).toMatchObject({ host: hostname(), pid: process.pid });
    a!.release();
    expect(existsSync(lockFile('c1'))).toBe(false);
    const b = claimCase(out, 'c1');
    expect(b).toBeDefined();
    b!.release();
  });

  it('takes over the lock of a process that has ended on this host', () => {
    const ended = spawnSync(process.execPath, ['-e', '0']).pid!;
    plantLock('c2', { host: hostname(), pid: ended, startedAt: 'then' });
    const why: string[] = [];
    const l = claimCase(out, 'c2', (w) => why.push(w));
    expect(l).toBeDefined();
    expect(why).toEqual([`process ${ended} has ended`]);
    l!.release();
  });

  it('takes over a lock from another host only once its heartbeat has stopped', () => {
    plantLock('c3', { host: 'elsewhere', pid: 1, startedAt: 'then' }, 60_000);
    expect(claimCase(out, 'c3')).toBeUndefined();
    plantLock('c3', { host: 'elsewhere', pid: 1, startedAt: 'then' }, STALE_MS + 60_000);
    const why: string[] = [];
    const l = claimCase(out, 'c3', (w) => why.push(w));
    expect(l).toBeDefined();
    expect(why[0]).toMatch(/^no heartbeat for 1[01] min$/);
    l!.release();
  });

  it('release leaves a lock that another process took over alone', () => {
    const l = claimCase(out, 'c4')!;
    plantLock('c4', { host: 'elsewhere', pid: 7, startedAt: 'later' });
    l.release();
    expect(existsSync(lockFile('c4'))).toBe(true);
  });
});

describe('records and atomic writes', () => {
  const rec = (o: Partial<CaseRecord> = {}): CaseRecord => ({
    case: 'c', status: 'done', seconds: 1, outputs: ['c-seg.nii.gz'], job: 'j1', input: 'i', finishedAt: 'now', host: 'h', pid: 1, ...o,
  });

  it('a case is finished when done, for the same job, with its outputs present', () => {
    writeRecord(out, rec());
    const r = readRecord(out, 'c');
    expect(r).toEqual(rec());
    expect(isFinished(out, r, 'j1')).toBe(false);
    writeAtomic(join(out, 'c-seg.nii.gz'), new Uint8Array([1, 2, 3]));
    expect(isFinished(out, r, 'j1')).toBe(true);
    expect(isFinished(out, r, 'j2')).toBe(false);
    expect(isFinished(out, rec({ status: 'failed' }), 'j1')).toBe(false);
    expect(readRecord(out, 'other')).toBeUndefined();
  });

  it('a failure is for good only when the input caused it and is unchanged', () => {
    const failed = rec({ status: 'failed', code: 'truncated-gzip', input: 'size:mtime' });
    expect(failedForGood(failed, 'size:mtime')).toBe(true);
    expect(failedForGood(failed, 'other:mtime')).toBe(false);
    expect(failedForGood({ ...failed, code: 'gpu-out-of-memory' }, 'size:mtime')).toBe(false);
    expect(failedForGood({ ...failed, code: undefined }, 'size:mtime')).toBe(false);
    expect(failedForGood(rec({ input: 'size:mtime' }), 'size:mtime')).toBe(false);
  });

  it('writeAtomic replaces the whole file and leaves no temporary files', () => {
    writeAtomic(join(out, 'sub', 'f.txt'), 'one');
    writeAtomic(join(out, 'sub', 'f.txt'), 'two');
    expect(readFileSync(join(out, 'sub', 'f.txt'), 'utf8')).toBe('two');
    expect(readdirSync(join(out, 'sub'))).toEqual(['f.txt']);
  });
});
