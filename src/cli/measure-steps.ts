/**
 * Measures the Trainer's time per iteration (patch sampling with augmentation + one training step) on the
 * real demo scan for a few configurations, to size the demo model's training budget.
 *
 *   LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json \
 *     npx tsx src/cli/measure-steps.ts [--iterations 6] [--out file.json] tiny:3:4 small:4:2 …
 *
 * Each configuration is preset:spacing-mm:batch. Prints and writes JSON (median ms per iteration after
 * the first two, which include shader compilation).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { EngineEvent, PresetName } from '../core/engines/contract';
import { Trainer } from '../core/engines/trainer';
import { storeWithPatientA } from './demo-data';
import { nodeBackend, nodeDevice } from './node-backend';

interface Row {
  preset: PresetName;
  spacingMm: number;
  batch: number;
  iterations: number;
  msPerIteration: number[];
  medianMs: number;
  loadAverage1m: number;
}

async function measure(preset: PresetName, spacingMm: number, batch: number, iterations: number): Promise<Row> {
  const { store, imageId } = storeWithPatientA();
  const ms: number[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  let error: string | undefined;
  const emit = (e: EngineEvent) => {
    if (e.type === 'iteration') {
      ms.push(Math.round(e.msPerIteration));
      console.log(`${preset} ${spacingMm} mm batch ${batch}: iteration ${e.iteration} ${Math.round(e.msPerIteration)} ms`);
    }
    if (e.type === 'state' && (e.state === 'done' || e.state === 'error')) {
      error = e.error;
      done();
    }
  };
  const trainer = new Trainer({ store, device: nodeDevice, emit });
  await trainer.start({ images: [imageId], preset, iterations, batchSize: batch, spacing: [spacingMm, spacingMm, spacingMm], seed: 1, errorMapEvery: 1e6, validateEvery: 1e6 });
  await finished;
  if (error) throw new Error(error);
  trainer.latest?.net.dispose();
  const timed = ms.slice(2).sort((a, b) => a - b);
  return { preset, spacingMm, batch, iterations, msPerIteration: ms, medianMs: timed[Math.floor(timed.length / 2)], loadAverage1m: loadavg()[0] };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let iterations = 6;
  let out: string | undefined;
  const configs: [PresetName, number, number][] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--iterations') iterations = Number(args[++i]);
    else if (args[i] === '--out') out = args[++i];
    else {
      const [p, s, b] = args[i].split(':');
      configs.push([p as PresetName, Number(s), Number(b)]);
    }
  }
  const backend = await nodeBackend();
  const rows: Row[] = [];
  for (const [p, s, b] of configs) {
    const row = await measure(p, s, b, iterations);
    console.log(JSON.stringify(row));
    rows.push(row);
  }
  const record = { what: 'Trainer ms per iteration on patient A (sampling + augmentation + train step)', date: new Date().toISOString(), adapter: backend.info.adapter, cpus: cpus().length, rows };
  if (out) writeFileSync(out, JSON.stringify(record, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
