import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { isWorkbenchError } from '../errors';
import { DEMO_LABELS, defaultLabelColor, defaultLabelColors, labelColor, parseLabelTable } from './labels';
import { repoPath } from './testing/repo-files';

const text = (rel: string) => readFileSync(repoPath(rel), 'utf8');

function fails(t: string, re: RegExp): void {
  let caught: unknown;
  try {
    parseLabelTable(t, 'labels.txt');
  } catch (e) {
    caught = e;
  }
  expect(isWorkbenchError(caught, 'bad-label-table')).toBe(true);
  expect((caught as Error).message).toMatch(re);
}

describe('parseLabelTable', () => {
  it('reads the plain tables shipped with the scans', () => {
    const demo = parseLabelTable(text('public/demo/labels-organs4.txt'), 'labels-organs4.txt');
    expect(demo).toEqual({ 0: { name: 'background' }, 1: { name: 'spleen' }, 2: { name: 'kidney_right' }, 3: { name: 'kidney_left' }, 4: { name: 'liver' } });
    const v1 = parseLabelTable(text('test-data/labels-totalseg-v1.txt'), 'labels-totalseg-v1.txt');
    expect(v1[7].name).toBe('aorta');
    expect(v1[92].name).toBe('sacrum');
    expect(Object.keys(v1).length).toBe(105);
    const v2 = parseLabelTable(text('test-data/labels-totalseg-v2.txt'), 'v2.txt');
    expect(v2[5].name).toBe('liver');
  });

  it('reads ITK-SNAP label description files with colours, comments and quoted names with spaces', () => {
    const itk = [
      '################################################',
      '# ITK-SnAP Label Description File',
      '    0     0    0    0        0  0  0    "Clear Label"',
      '    1   255    0    0        1  1  1    "Left kidney"',
      '   12    10  200   30     0.75  1  0    "liver"',
    ].join('\r\n');
    expect(parseLabelTable(itk, 'labels.label')).toEqual({
      0: { name: 'Clear Label', color: [0, 0, 0] },
      1: { name: 'Left kidney', color: [255, 0, 0] },
      12: { name: 'liver', color: [10, 200, 30] },
    });
  });

  it('reads JSON with names or {name, color}', () => {
    expect(parseLabelTable('{"1": "spleen", "4": {"name": "liver", "color": [200, 100, 50]}}', 'l.json')).toEqual({
      1: { name: 'spleen' },
      4: { name: 'liver', color: [200, 100, 50] },
    });
  });

  it('accepts "1: spleen", tabs and a byte-order mark', () => {
    expect(parseLabelTable('\uFEFF1: spleen\n2\tkidney right\n', 'l.txt')).toEqual({ 1: { name: 'spleen' }, 2: { name: 'kidney right' } });
  });

  it('gives clear errors for bad tables', () => {
    fails('1 spleen\nliver\n', /^labels\.txt line 2 \("liver"\) is not a label; expected lines like "1 spleen"/);
    fails('1 spleen\n1 liver\n', /line 2: label 1 is listed twice \("spleen" and again\)/);
    fails('1.5 spleen\n', /line 1: label index "1\.5" is not a whole number ≥ 0/);
    fails('-2 spleen\n', /label index "-2" is not a whole number/);
    fails('# only a comment\n\n', /lists no labels/);
    fails('{"1": "spleen",}', /looks like JSON but does not parse/);
    fails('{"1": {"name": "x", "color": [300, 0, 0]}}', /key "1": colour \[300,0,0\] is not three numbers from 0 to 255/);
    fails('{"one": "spleen"}', /key "one": label index "one" is not a whole number/);
    fails('    1   999    0    0        1  1  1    "bad"', /line 1: colour \[999,0,0\]/);
  });
});

describe('label colours', () => {
  it('DEMO_LABELS names the four organs of the demo with distinct colours', () => {
    expect([1, 2, 3, 4].map((k) => DEMO_LABELS[k].name)).toEqual(['spleen', 'kidney_right', 'kidney_left', 'liver']);
    const colours = [1, 2, 3, 4].map((k) => DEMO_LABELS[k].color!);
    for (let a = 0; a < 4; a++) for (let b = a + 1; b < 4; b++) {
      const d = Math.hypot(colours[a][0] - colours[b][0], colours[a][1] - colours[b][1], colours[a][2] - colours[b][2]);
      expect(d).toBeGreaterThan(80);
    }
  });

  it('defaultLabelColors(n): black background, then n distinct, not-too-dark colours', () => {
    const c = defaultLabelColors(24);
    expect(c.length).toBe(25);
    expect(c[0]).toEqual([0, 0, 0]);
    const keys = new Set(c.slice(1).map((x) => x.join(',')));
    expect(keys.size).toBe(24);
    for (const [r, g, b] of c.slice(1)) {
      expect(Math.max(r, g, b)).toBeGreaterThan(100);
      for (const x of [r, g, b]) expect(Number.isInteger(x) && x >= 0 && x <= 255).toBe(true);
    }
    for (let k = 1; k < 24; k++) {
      const d = Math.hypot(c[k][0] - c[k + 1][0], c[k][1] - c[k + 1][1], c[k][2] - c[k + 1][2]);
      expect(d).toBeGreaterThan(60); // neighbours in index are easy to tell apart
    }
    expect(labelColor(DEMO_LABELS, 4)).toEqual([221, 130, 101]);
    expect(labelColor(undefined, 3)).toEqual(c[3]);
  });
});

describe('defaultLabelColor', () => {
  it('matches the palette, and is black (never undefined) for what is not a class number', () => {
    expect(defaultLabelColor(3)).toEqual(defaultLabelColors(5)[3]);
    expect(defaultLabelColor(70000)).toHaveLength(3);
    for (const k of [0, -1, 2.5, NaN]) expect(defaultLabelColor(k)).toEqual([0, 0, 0]);
  });
});
