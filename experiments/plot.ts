/**
 * The isample experiment's figure and table from its committed JSON:
 *   npx tsx experiments/plot.ts [experiments/results/isample-kidneys.json] [docs/images/isample-kidneys.svg]
 * Writes the SVG (Dice against iterations per sampler: the mean over seeds as a line, the range across seeds
 * as a band; one panel per evaluation scan) and prints the README's markdown table (mean ± SD over seeds).
 */
import { readFileSync, writeFileSync } from 'node:fs';

interface Point {
  iteration: number;
  diceA: number;
  diceIrcadb?: number;
  loss: number;
}
interface Run {
  sampler: string;
  seed: number;
  points: Point[];
  medianStepMs: number;
}
interface Result {
  runs: Run[];
  protocol: { evaluatedAt: number[]; seeds: number[]; preset: string; spacingMm: number; batch: number; epsilon: number };
  machine: { adapter?: string; cpuModel?: string; cores?: number; loadAverage1m?: number };
}

const [input = 'experiments/results/isample-kidneys.json', output = 'docs/images/isample-kidneys.svg'] = process.argv.slice(2);
const r = JSON.parse(readFileSync(input, 'utf8')) as Result;
const samplers = [...new Set(r.runs.map((x) => x.sampler))];
const iterations = [...new Set(r.runs.flatMap((x) => x.points.map((p) => p.iteration)))].sort((a, b) => a - b);
const COLOURS: Record<string, string> = { isample: '#d55e00', uniform: '#0072b2' };

type Key = 'diceA' | 'diceIrcadb';
function values(sampler: string, it: number, key: Key): number[] {
  return r.runs.filter((x) => x.sampler === sampler).map((x) => x.points.find((p) => p.iteration === it)?.[key]).filter((v): v is number => typeof v === 'number');
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => (v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1)) : 0);

function panel(key: Key, title: string, x0: number): string {
  const w = 360;
  const h = 240;
  const left = x0 + 50;
  const top = 30;
  const lx = (it: number) => +(left + ((Math.log(it) - Math.log(iterations[0])) / (Math.log(iterations.at(-1)!) - Math.log(iterations[0]) || 1)) * (w - 70)).toFixed(1);
  const ly = (d: number) => +(top + (1 - d) * (h - 60)).toFixed(1);
  const parts: string[] = [`<text x="${x0 + w / 2}" y="18" text-anchor="middle" font-size="13">${title}</text>`];
  for (const d of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${left}" x2="${left + w - 70}" y1="${ly(d)}" y2="${ly(d)}" stroke="#ddd"/><text x="${left - 6}" y="${ly(d) + 4}" text-anchor="end" font-size="10">${d}</text>`);
  }
  for (const it of iterations) parts.push(`<text x="${lx(it)}" y="${ly(0) + 16}" text-anchor="middle" font-size="10">${it}</text>`);
  parts.push(`<text x="${left + (w - 70) / 2}" y="${ly(0) + 32}" text-anchor="middle" font-size="11">iterations (log scale)</text>`);
  parts.push(`<text x="${x0 + 12}" y="${top + (h - 60) / 2}" font-size="11" transform="rotate(-90 ${x0 + 12} ${top + (h - 60) / 2})" text-anchor="middle">Dice</text>`);
  for (const s of samplers) {
    const pts = iterations.map((it) => ({ it, v: values(s, it, key) })).filter((p) => p.v.length > 0);
    if (pts.length === 0) continue;
    const band = [...pts.map((p) => `${lx(p.it)},${ly(Math.max(...p.v))}`), ...[...pts].reverse().map((p) => `${lx(p.it)},${ly(Math.min(...p.v))}`)].join(' ');
    parts.push(`<polygon points="${band}" fill="${COLOURS[s] ?? '#555'}" opacity="0.18"/>`);
    parts.push(`<polyline points="${pts.map((p) => `${lx(p.it)},${ly(mean(p.v))}`).join(' ')}" fill="none" stroke="${COLOURS[s] ?? '#555'}" stroke-width="2"/>`);
    for (const p of pts) parts.push(`<circle cx="${lx(p.it)}" cy="${ly(mean(p.v))}" r="3" fill="${COLOURS[s] ?? '#555'}"/>`);
  }
  return parts.join('\n');
}

const hasIrcadb = r.runs.some((x) => x.points.some((p) => p.diceIrcadb !== undefined));
const width = hasIrcadb ? 740 : 370;
const legend = samplers.map((s, i) => `<rect x="${60 + i * 120}" y="252" width="14" height="4" fill="${COLOURS[s] ?? '#555'}"/><text x="${80 + i * 120}" y="257" font-size="11">${s} (${new Set(r.runs.filter((x) => x.sampler === s).map((x) => x.seed)).size} seeds)</text>`).join('');
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="270" font-family="sans-serif" viewBox="0 0 ${width} 270">
<rect width="100%" height="100%" fill="white"/>
${panel('diceA', 'Kidneys on patient A (trained on: learning speed)', 0)}
${hasIrcadb ? panel('diceIrcadb', 'Kidneys on IRCADb 1.7 (never trained on)', 370) : ''}
${legend}
</svg>
`;
writeFileSync(output, svg);

const fmt = (v: number[]) => (v.length ? `${mean(v).toFixed(3)} ± ${sd(v).toFixed(3)}` : '—');
const head = `| iterations | ${samplers.map((s) => `${s}: A`).join(' | ')}${hasIrcadb ? ` | ${samplers.map((s) => `${s}: IRCADb`).join(' | ')}` : ''} |`;
const rows = iterations.map((it) => `| ${it} | ${samplers.map((s) => fmt(values(s, it, 'diceA'))).join(' | ')}${hasIrcadb ? ` | ${samplers.map((s) => fmt(values(s, it, 'diceIrcadb'))).join(' | ')}` : ''} |`);
console.log([head, `|${'---|'.repeat(1 + samplers.length * (hasIrcadb ? 2 : 1))}`, ...rows].join('\n'));
console.error(`wrote ${output}`);
