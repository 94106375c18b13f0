import { describe, expect, it } from 'vitest';
import { formatDuration, Progress } from './progress';
import { summaryCsv } from './summary';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, write: (t: string) => void chunks.push(t), isTTY, columns: 100 };
}

describe('Progress', () => {
  it('in a log: plain lines only, no control characters', () => {
    const s = sink(false);
    const p = new Progress(s, 2);
    p.start('a');
    p.tiles(1, 4, 3000);
    p.log('[1/2] a: done');
    p.end(2);
    p.close();
    expect(s.chunks).toEqual(['[1/2] a: done\n']);
  });

  it('on a terminal: a bar redrawn in place with the time left', () => {
    const s = sink(true);
    let t = 0;
    const p = new Progress(s, 3, () => t);
    p.start('a');
    expect(p.secondsLeft()).toBeUndefined();
    t = 4000;
    p.tiles(2, 4, 4000);
    // 4 s left of a case projected to take 8 s; two cases waiting, each taken to take as long.
    expect(p.secondsLeft()).toBeCloseTo(4 + 2 * 8);
    p.end(10);
    p.start('b');
    p.tiles(1, 4, 6000);
    expect(p.secondsLeft()).toBeCloseTo(6 + 10);
    expect(p.line(100)).toBe('[##########--------------------] 1/3 cases · b tile 1/4 · 16s left');
    expect(p.line(40)).toBe('[###-------] 1/3 cases · 16s left');
    p.log('[2/3] b: done');
    expect(s.chunks.join('')).toContain('\r\x1b[K[2/3] b: done\n');
    p.end(14);
    expect(p.secondsLeft()).toBeCloseTo(12);
    p.close();
    expect(s.chunks.at(-1)).toBe('\n');
  });

  it('formats durations', () => {
    expect([formatDuration(5), formatDuration(75), formatDuration(3 * 3600 + 120), formatDuration(NaN)]).toEqual(['5s', '1m15s', '3h02m', '?']);
  });
});

describe('summaryCsv', () => {
  it('one column per organ, quoted where the message needs it', () => {
    const text = summaryCsv([
      { case: 'a', status: 'done', seconds: 1.234, volumesMl: { liver: 1500.456, spleen: 0 } },
      { case: 'b', status: 'failed', seconds: 0.1, message: 'b.nii.gz is "odd",\nsee above' },
    ], ['spleen', 'liver']);
    expect(text).toBe('case,status,seconds,spleen_ml,liver_ml,message\na,done,1.23,0.00,1500.46,\nb,failed,0.10,,,"b.nii.gz is ""odd"", see above"\n');
  });
});
