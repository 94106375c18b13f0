/** The conv3d benchmark's JSON record and its markdown table (used by run.ts and table.ts). */
import type { BenchCase, BenchSummary } from './run-cases';

export interface Conv3dBenchResult {
  benchmark: 'conv3d';
  adapter: string;
  date: string;
  machine: { runtime: string; cpu?: string; cores?: number; memoryGiB?: number; platform?: string; userAgent?: string };
  versions: Record<string, string>;
  settings: { batch: number; maxOutput: number | null; runs: number; budgetMs: number; tuneFor?: string; note: string };
  summary: BenchSummary;
  cases: BenchCase[];
}

const f = (v: number, d = 1): string => (Number.isFinite(v) ? v.toFixed(d) : '–');

/** "full L5, full L6, full L7, context L5" → "full L5–L7, context L5". */
export function compactLayers(layer: string): string {
  const groups = new Map<string, number[]>();
  const other: string[] = [];
  for (const part of layer.split(', ')) {
    const m = /^(.*) L(\d+)$/.exec(part);
    if (!m) other.push(part);
    else groups.set(m[1], [...(groups.get(m[1]) ?? []), Number(m[2])]);
  }
  const out = [...groups].map(([path, ls]) => {
    const runs: string[] = [];
    for (let i = 0; i < ls.length; ) {
      let j = i;
      while (j + 1 < ls.length && ls[j + 1] === ls[j] + 1) j++;
      runs.push(j > i ? `L${ls[i]}–L${ls[j]}` : `L${ls[i]}`);
      i = j + 1;
    }
    return `${path} ${runs.join(', ')}`;
  });
  return [...out, ...other].join(', ');
}

export function markdownTable(r: Conv3dBenchResult): string {
  const lines = [
    `**conv3d, ${r.adapter}** (${r.machine.runtime}, ${r.date.slice(0, 10)}; batch ${r.settings.batch}` +
      `${r.settings.maxOutput ? `, outputs capped at ${r.settings.maxOutput}³` : ', paper sizes'}; median of ≤${r.settings.runs} runs)`,
    '',
    '| layer | op | x | filter | fast ms | tfjs ms | speedup | GFLOP/s |',
    '| --- | --- | --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const c of r.cases) {
    lines.push(`| ${compactLayers(c.layer)} | ${c.op} | ${c.shape.x.join('×')} | ${c.shape.filter.join('×')} | ${f(c.ms)} | ${f(c.baselineMs)} | ${f(c.speedup)}× | ${f(c.gflops, 2)} |`);
  }
  const g = r.summary.geomeanSpeedup;
  lines.push('');
  lines.push(
    `Geometric-mean speedup: forward ${f(g.forward)}×, input gradient ${f(g['backprop-input'])}×, ` +
      `filter gradient ${f(g['backprop-filter'])}×, all ${f(g.all)}×; slowest case ${f(r.summary.minSpeedup)}×. ` +
      `Sum of medians: ${f(r.summary.totalMs, 0)} ms vs ${f(r.summary.totalBaselineMs, 0)} ms.`,
  );
  return lines.join('\n');
}
