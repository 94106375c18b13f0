/**
 * Labels without supervision: body, lungs (left, right) and bone from a CT in HU, as one label map on the
 * CT's own grid. The facade over structures.ts; DOM-free (worker, Node CLI, tests).
 */
import type { Volume } from '../data/volume';
import { describeHuFinding, huFinding } from '../data/intensity';
import { yieldToEventLoop } from '../env';
import { WorkbenchError } from '../errors';
import type { MorphologyMethod } from './morphology';
import { DEFAULT_LABEL_PARAMS, type LabelParams } from './params';
import { bodyMask, boneMask, lungMasks, type StructureContext } from './structures';

export type StructureName = 'body' | 'lungs' | 'bone';

/** The label table of the result; values are fixed whatever was asked for, so maps from different runs agree. */
export const AUTO_LABELS: Readonly<Record<number, string>> = Object.freeze({ 1: 'body', 2: 'lung_left', 3: 'lung_right', 4: 'bone' });

export interface MakeLabelsOptions {
  structures: StructureName[];
  method?: MorphologyMethod;
  params?: Partial<LabelParams>;
  signal?: AbortSignal;
  onProgress?: (p: { stage: StructureName | 'check'; done: number; total: number }) => void;
}

export interface MadeLabels {
  /** uint8 label map on the CT's grid (values of AUTO_LABELS present among those asked for). */
  volume: Volume;
  labels: Record<number, string>;
  ms: number;
}

/** Refuses what is not a CT in HU (the shared HU test, `huFinding`), with a sentence naming the volume. */
export function checkIsCt(ct: Volume, p: LabelParams): void {
  const f = huFinding(ct, { airHu: p.airHu, minAirFraction: p.minAirFraction });
  if (!f.looksLikeCt) {
    throw new WorkbenchError('not-ct', `${ct.name} does not look like a CT in Hounsfield units: ${describeHuFinding(f)}. `
      + 'Automatic labels work from HU thresholds, so an MR or a rescaled image cannot be labelled this way.', { file: ct.name });
  }
}

export async function makeLabelVolume(ct: Volume, opts: MakeLabelsOptions): Promise<MadeLabels> {
  const t0 = performance.now();
  const want = new Set(opts.structures);
  if (want.size === 0) throw new WorkbenchError('bad-argument', "makeLabels needs at least one structure: 'body', 'lungs' or 'bone'.");
  for (const s of want) if (!['body', 'lungs', 'bone'].includes(s)) throw new WorkbenchError('bad-argument', `"${String(s)}" is not a structure makeLabels knows; use 'body', 'lungs' or 'bone'.`);
  const params = { ...DEFAULT_LABEL_PARAMS, ...opts.params };
  const check = (): void => {
    if (opts.signal?.aborted) throw new WorkbenchError('cancelled', `Automatic labelling of ${ct.name} was cancelled.`);
  };
  const total = 1 + want.size + (want.has('body') ? 0 : 1);
  let done = 0;
  const step = async (stage: StructureName | 'check'): Promise<void> => {
    opts.onProgress?.({ stage, done, total });
    done++;
    await yieldToEventLoop(); // let a cancel message in
    check();
  };
  await step('check');
  checkIsCt(ct, params);
  const ctx: StructureContext = { ct, params, method: opts.method ?? 'auto', check };
  await step('body');
  const body = bodyMask(ctx);
  const out = new Uint8Array(ct.data.length);
  const labels: Record<number, string> = {};
  if (want.has('body')) {
    for (let i = 0; i < out.length; i++) if (body[i]) out[i] = 1;
    labels[1] = AUTO_LABELS[1];
  }
  if (want.has('lungs')) {
    await step('lungs');
    const lungs = lungMasks(ctx, body);
    for (let i = 0; i < out.length; i++) if (lungs[i]) out[i] = lungs[i] === 2 ? 2 : 3;
    labels[2] = AUTO_LABELS[2];
    labels[3] = AUTO_LABELS[3];
  }
  if (want.has('bone')) {
    await step('bone');
    const bone = boneMask(ctx, body);
    for (let i = 0; i < out.length; i++) if (bone[i]) out[i] = 4;
    labels[4] = AUTO_LABELS[4];
  }
  opts.onProgress?.({ stage: [...want].at(-1)!, done: total, total });
  const name = `${ct.name.replace(/\.nii(\.gz)?$|\.dcm$/i, '')}-auto-labels.nii.gz`;
  const volume: Volume = { name, dims: [...ct.dims], spacing: [...ct.spacing], affine: Float64Array.from(ct.affine), data: out, scale: { slope: 1, inter: 0 }, intent: 'label' };
  return { volume, labels, ms: performance.now() - t0 };
}
