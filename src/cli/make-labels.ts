/**
 * Labels without supervision over files, in Node: the same core as the workbench's "Label lungs and bone
 * automatically" (src/core/labels).
 *
 *   npx tsx src/cli/make-labels.ts CT.nii[.gz] [--out labels.nii.gz] [--structures body,lungs,bone]
 *       [--method auto|fft|direct] [--reference REF.nii.gz --reference-map totalseg-v1|ircadb]
 *
 * Writes the label map (uint8, intent "label": 1 body, 2 lung_left, 3 lung_right, 4 bone) and its table
 * (`.txt` beside it), prints JSON (time, volumes, and Dice per structure when a reference is given).
 * Exit status 2 for input the labeller refuses (e.g. an MR), with the sentence on stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readNifti, writeNifti, labelArray } from '../core/data';
import { isWorkbenchError } from '../core/errors';
import { makeLabelVolume, type StructureName } from '../core/labels';
import type { MorphologyMethod } from '../core/labels';
import { scoreAutoLabels, REFERENCE_MAPS, type ReferenceMapName } from '../core/labels/evaluate';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file || file.startsWith('--')) {
    console.error('usage: make-labels CT.nii[.gz] [--out labels.nii.gz] [--structures body,lungs,bone] [--method auto|fft|direct] [--reference REF --reference-map totalseg-v1|ircadb]');
    process.exit(1);
  }
  const ct = readNifti(readFileSync(file), file);
  const structures = (arg('structures') ?? 'body,lungs,bone').split(',') as StructureName[];
  const method = (arg('method') ?? 'auto') as MorphologyMethod;
  const made = await makeLabelVolume(ct, { structures, method });
  const out = arg('out');
  if (out) {
    writeFileSync(out, writeNifti(made.volume, { gzip: true, intent: 'label' }));
    writeFileSync(out.replace(/\.nii(\.gz)?$/, '') + '.txt', ['0 background', ...Object.entries(made.labels).map(([k, n]) => `${k} ${n}`)].join('\n') + '\n');
  }
  const report: Record<string, unknown> = { file, dims: ct.dims, spacing: ct.spacing, structures, method, ms: Math.round(made.ms) };
  const refFile = arg('reference');
  if (refFile) {
    const ref = readNifti(readFileSync(refFile), refFile);
    const kind = (arg('reference-map') ?? 'totalseg-v1') as ReferenceMapName;
    if (!REFERENCE_MAPS[kind]) throw new Error(`--reference-map must be one of ${Object.keys(REFERENCE_MAPS).join(', ')}; got ${kind}.`);
    report.dice = scoreAutoLabels(made.volume.data as Uint8Array, labelArray(ref), REFERENCE_MAPS[kind]);
  }
  console.log(JSON.stringify(report, null, 1));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(isWorkbenchError(e) ? 2 : 1);
});
