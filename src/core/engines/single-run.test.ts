import { describe, expect, it } from 'vitest';
import { SingleRun } from './single-run';

describe('SingleRun', () => {
  it('refuses a second run while one is going, with its sentence and a busy code', async () => {
    const r = new SingleRun('Busy now; wait.');
    let release!: () => void;
    const first = r.run(() => new Promise<number>((res) => (release = () => res(7))));
    expect(r.busy).toBe(true);
    await expect(r.run(async () => 1)).rejects.toMatchObject({ code: 'busy', message: expect.stringContaining('Busy now; wait.') });
    release();
    expect(await first).toBe(7);
    expect(r.busy).toBe(false);
  });

  it('cancel aborts the running signal; a failed run frees the slot; cancel when idle is false', async () => {
    const r = new SingleRun('busy');
    expect(r.cancel()).toBe(false);
    const p = r.run((signal) => new Promise((_, rej) => signal.addEventListener('abort', () => rej(new Error('stopped')))));
    expect(r.cancel()).toBe(true);
    await expect(p).rejects.toThrow('stopped');
    expect(r.busy).toBe(false);
    expect(await r.run(async (signal) => signal.aborted)).toBe(false);
  });
});
