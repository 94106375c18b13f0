import { describe, expect, it } from 'vitest';
import type { BatchCase } from './cases';
import { resolveShard, shardCases } from './shard';

const cases = (ids: string[]): BatchCase[] => ids.map((id) => ({ id, path: `/x/${id}`, source: id }));

describe('resolveShard', () => {
  it('reads --shard I/N first, then Slurm, then Kubernetes Indexed Jobs', () => {
    const env = { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '8', JOB_COMPLETION_INDEX: '1', CTSEG_SHARD_COUNT: '3' };
    expect(resolveShard({ shard: '2/4' }, env)).toMatchObject({ index: 2, count: 4 });
    expect(resolveShard({}, env)).toMatchObject({ index: 5, count: 8 });
    expect(resolveShard({}, { JOB_COMPLETION_INDEX: '1', CTSEG_SHARD_COUNT: '3' })).toMatchObject({ index: 1, count: 3 });
    expect(resolveShard({ shardCount: '4' }, { JOB_COMPLETION_INDEX: '3' })).toMatchObject({ index: 3, count: 4 });
    expect(resolveShard({}, {})).toMatchObject({ index: 0, count: 1 });
  });

  it('maps Slurm arrays that start at 1 or step by 2 onto shards 0..N-1', () => {
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '1' })).toMatchObject({ index: 0, count: 8 });
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '1' })).toMatchObject({ index: 7, count: 8 });
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '14', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '2' })).toMatchObject({ index: 7, count: 8 });
  });

  it.each([
    [{ shard: '4/4' }, {}, /shard 4 does not exist; shards are numbered 0 to 3/],
    [{ shard: '1-4' }, {}, /--shard must be I\/N/],
    [{ shard: '0/0' }, {}, /at least 1/],
    [{}, { JOB_COMPLETION_INDEX: '2' }, /not how many shards there are: pass --shard-count N or set CTSEG_SHARD_COUNT/],
    [{}, { SLURM_ARRAY_TASK_ID: '3' }, /SLURM_ARRAY_TASK_COUNT .* must be a whole number/],
    [{}, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_STEP: '2' }, /not min \+ k × step/],
    [{ shardCount: '3' }, {}, /--shard-count is for Kubernetes Indexed Jobs/],
  ])('refuses %j with %j', (flag, env, message) => {
    expect(() => resolveShard(flag, env)).toThrow(message);
  });
});

describe('shardCases', () => {
  it('puts every case in exactly one shard, sizes within one, the same split whatever the input order', () => {
    const ids = Array.from({ length: 23 }, (_, i) => `case-${String((i * 7) % 23).padStart(2, '0')}`);
    for (const n of [1, 2, 3, 5, 23, 30]) {
      const shards = Array.from({ length: n }, (_, i) => shardCases(cases(ids), { index: i, count: n, source: '' }).map((c) => c.id));
      const all = shards.flat();
      expect(all.sort()).toEqual([...ids].sort());
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      const reversed = Array.from({ length: n }, (_, i) => shardCases(cases([...ids].reverse()), { index: i, count: n, source: '' }).map((c) => c.id));
      expect(reversed).toEqual(shards);
    }
    expect(shardCases(cases(['d', 'b', 'a', 'c']), { index: 1, count: 2, source: '' }).map((c) => c.id)).toEqual(['b', 'd']);
  });
});
