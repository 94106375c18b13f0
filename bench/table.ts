/** Prints the README's markdown performance tables from bench/results/conv3d*.json: `npx tsx bench/table.ts`. */
import { readdirSync, readFileSync } from 'node:fs';
import { markdownTable, type Conv3dBenchResult } from './conv3d/report';

const files = readdirSync('bench/results').filter((f) => /^conv3d.*\.json$/.test(f)).sort();
for (const f of files) {
  const r = JSON.parse(readFileSync(`bench/results/${f}`, 'utf8')) as Conv3dBenchResult;
  console.log(`${markdownTable(r)}\n\n(source: bench/results/${f})\n`);
}
