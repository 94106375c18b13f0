/**
 * Prints the README's "Performance" tables from every JSON record in bench/results:
 * `npx tsx bench/tables.ts` (conv3d summaries, training step, GPU augmentation, inference).
 * The per-case conv3d tables stay in `npx tsx bench/table.ts`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Conv3dBenchResult } from './conv3d/report';
import {
  augmentationTable, conv3dSummaryTable, cpuTables, inferenceTable, trainStepTable,
  type CpuRecord, type InferenceRow, type PatchSamplerRecord, type TrainStepRecord,
} from './report-tables';

const DIR = 'bench/results';
const files = readdirSync(DIR).filter((name) => name.endsWith('.json')).sort();
const read = <T>(name: string): T => JSON.parse(readFileSync(`${DIR}/${name}`, 'utf8')) as T;
const matching = <T>(re: RegExp) => files.filter((name) => re.test(name)).map((file) => ({ file, r: read<T>(file) }));

const sections: string[] = [];
if (existsSync(`${DIR}/cpu.json`)) {
  sections.push(`**Without a GPU: the \`wasm\` backend against tfjs-cpu and onnxruntime** (\`npm run bench -- cpu\`)\n\n${cpuTables('cpu.json', read<CpuRecord>('cpu.json'))}`);
}
const conv = matching<Conv3dBenchResult>(/^conv3d.*\.json$/);
if (conv.length) {
  sections.push(`**conv3d: workbench kernels vs tfjs 4.22's WebGPU kernels** (speedup = tfjs ms / ours, same device and run; geometric mean, and the slowest case per op)\n\n${conv3dSummaryTable(conv)}`);
}
const steps = matching<TrainStepRecord>(/^train-step.*\.json$/);
if (steps.length) sections.push(`**Training step** (forward, cross-entropy, backward, Nesterov SGD; random data)\n\n${trainStepTable(steps)}`);
if (existsSync(`${DIR}/patch-sampler.json`)) {
  sections.push(`**GPU augmentation** (patch sampler kernel vs its CPU reference)\n\n${augmentationTable('patch-sampler.json', read<PatchSamplerRecord>('patch-sampler.json'))}`);
}
if (existsSync(`${DIR}/inference.json`)) {
  const rows = read<{ rows: InferenceRow[] }>('inference.json').rows;
  sections.push(`**Whole-volume inference** (\`segmentVolume\`, tiny preset, end to end)\n\n${inferenceTable('inference.json', rows)}`);
}
console.log(sections.join('\n\n'));
