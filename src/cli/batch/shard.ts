/**
 * Splitting a batch across machines with no coordinator: shard I of N (0 ≤ I < N) takes the cases whose
 * position in the list sorted by case id (JavaScript string order) leaves I when divided by N. Every shard
 * that is given the same inputs computes the same split, each case lands in exactly one shard, and shard
 * sizes differ by at most one.
 *
 * Where I and N come from, first match wins:
 * 1. `--shard I/N`;
 * 2. Slurm job arrays: `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`, and `SLURM_ARRAY_TASK_MIN` /
 *    `SLURM_ARRAY_TASK_STEP` when set (I = (ID − MIN) / STEP, so `--array=1-8` and `--array=0-14:2` both work);
 * 3. Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX` with N from `--shard-count N` or `CTSEG_SHARD_COUNT`
 *    (set it to the Job's `completions`; Kubernetes does not pass it on).
 * Otherwise there is one shard (0/1).
 */
import { UsageError, type BatchCase } from './cases';

export interface Shard {
  index: number;
  count: number;
  /** Where it came from, for the log: "--shard 1/4", "SLURM_ARRAY_TASK_ID=3 …". */
  source: string;
}

export const ONE_SHARD: Shard = { index: 0, count: 1, source: 'one shard' };

function whole(text: string | undefined, what: string): number {
  const n = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(n)) throw new UsageError(`${what} must be a whole number; it is "${text ?? ''}".`);
  return n;
}

function checked(index: number, count: number, source: string): Shard {
  if (count < 1) throw new UsageError(`${source}: the number of shards must be at least 1; it is ${count}.`);
  if (index < 0 || index >= count) throw new UsageError(`${source}: shard ${index} does not exist; shards are numbered 0 to ${count - 1}.`);
  return { index, count, source };
}

/** The shard this process runs (see the module comment); throws `UsageError` for a malformed one. */
export function resolveShard(flag: { shard?: string; shardCount?: string }, env: Record<string, string | undefined> = process.env): Shard {
  if (flag.shard !== undefined) {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(flag.shard);
    if (!m) throw new UsageError(`--shard must be I/N with 0 ≤ I < N (e.g. --shard 0/4); it is "${flag.shard}".`);
    return checked(Number(m[1]), Number(m[2]), `--shard ${flag.shard}`);
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const id = whole(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID');
    const count = whole(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT (set by Slurm for job arrays)');
    const min = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : whole(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN');
    const step = env.SLURM_ARRAY_TASK_STEP === undefined ? 1 : whole(env.SLURM_ARRAY_TASK_STEP, 'SLURM_ARRAY_TASK_STEP');
    const source = `SLURM_ARRAY_TASK_ID=${id} of ${count} (min ${min}, step ${step})`;
    if (step < 1 || (id - min) % step !== 0) throw new UsageError(`${source}: the task id is not min + k × step.`);
    return checked((id - min) / step, count, source);
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    const index = whole(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX');
    const countText = flag.shardCount ?? env.CTSEG_SHARD_COUNT;
    if (countText === undefined) {
      throw new UsageError(`JOB_COMPLETION_INDEX=${index} is set (a Kubernetes Indexed Job) but not how many shards there are: pass --shard-count N or set CTSEG_SHARD_COUNT to the Job's completions.`);
    }
    const count = whole(countText, flag.shardCount !== undefined ? '--shard-count' : 'CTSEG_SHARD_COUNT');
    return checked(index, count, `JOB_COMPLETION_INDEX=${index} of ${count}`);
  }
  if (flag.shardCount !== undefined) throw new UsageError('--shard-count is for Kubernetes Indexed Jobs (with JOB_COMPLETION_INDEX); use --shard I/N to pick a shard by hand.');
  return ONE_SHARD;
}

/** The cases of one shard, in id order. */
export function shardCases(cases: BatchCase[], shard: Shard): BatchCase[] {
  const sorted = [...cases].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sorted.filter((_, i) => i % shard.count === shard.index);
}
