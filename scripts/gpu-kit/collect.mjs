/* global console, process */
/**
 * After a GPU run of the kit: `node scripts/gpu-kit/collect.mjs FILES_AT [DEVICE]` copies the result files the
 * device tool brought back (the run's files_at folder, or any OUTDIR of run.sh) into bench/results/ as
 * <device>-<name> (e.g. bench/results/h200-conv3d.json), and the trained model's report as
 * <device>-train-demo-report.json. DEVICE defaults to a slug of the adapter's description in kit.json.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [from, deviceArg] = process.argv.slice(2);
if (!from || !existsSync(join(from, 'kit.json'))) throw new Error(`usage: node scripts/gpu-kit/collect.mjs FILES_AT [DEVICE]; "${from ?? ''}" holds no kit.json`);
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const kit = JSON.parse(readFileSync(join(from, 'kit.json'), 'utf8'));
const device = deviceArg ?? String(kit.adapterInfo?.description || kit.adapterInfo?.device || kit.adapter || 'gpu').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const dest = join(root, 'bench/results');
mkdirSync(dest, { recursive: true });
for (const f of readdirSync(from).filter((n) => n.endsWith('.json') || n === 'kit.log')) {
  copyFileSync(join(from, f), join(dest, `${device}-${f}`));
  console.log(`bench/results/${device}-${f}`);
}
if (existsSync(join(from, 'train-demo.tgz'))) {
  const tmp = mkdtempSync(join(tmpdir(), 'gpu-kit-collect-'));
  execFileSync('tar', ['-xzf', join(from, 'train-demo.tgz'), '-C', tmp]);
  if (existsSync(join(tmp, 'model', 'report.json'))) {
    copyFileSync(join(tmp, 'model', 'report.json'), join(dest, `${device}-train-demo-report.json`));
    console.log(`bench/results/${device}-train-demo-report.json (weights: ${join(tmp, 'model')})`);
  }
}
