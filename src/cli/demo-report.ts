/**
 * Evaluation of a demo model on the real scans through the app's predictor (`segmentVolume`), and the
 * report written beside the model (report.json): Dice per organ on patient B (held out) and A (trained on),
 * training budget, recipe, machine and versions.
 */
import { nodeDevice } from './node-backend';
import { execSync } from 'node:child_process';
import { segmentVolume } from '../core/engines/predictor';
import type { LoadedModel } from '../core/engines/models';
import type { LabelledScan } from './demo-data';

export interface ScanEvaluation {
  scan: string;
  dims: number[];
  spacingMm: number[];
  trainingGrid: number[];
  tiles: number;
  tileSize: number;
  dice: Record<string, number>;
  iou: Record<string, number>;
  /** Dice without the largest-component post-processing. */
  diceRaw: Record<string, number>;
  volumesMl: Record<string, number>;
  referenceVolumesMl: Record<string, number>;
  ms: number;
}

function referenceVolumes(scan: LabelledScan, classNames: string[]): Record<string, number> {
  const wanted = new Map(classNames.slice(1).map((n) => [n.toLowerCase(), n]));
  const counts = new Map<number, number>();
  const { slope, inter } = scan.labels.scale;
  for (const v of scan.labels.data) {
    const x = v * slope + inter;
    counts.set(x, (counts.get(x) ?? 0) + 1);
  }
  const voxelMl = scan.labels.spacing.reduce((a, b) => a * b, 1) / 1000;
  const out: Record<string, number> = {};
  for (const [value, name] of Object.entries(scan.names)) {
    const n = wanted.get(name.toLowerCase());
    if (n && counts.get(Number(value))) out[n] = counts.get(Number(value))! * voxelMl;
  }
  return out;
}

const round = (r: Record<string, number>, d = 4) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v.toFixed(d))]));

export async function evaluateOn(model: LoadedModel, scan: LabelledScan, scanName: string): Promise<ScanEvaluation> {
  const common = { device: nodeDevice(), net: model.net, meta: model.meta, image: scan.image, reference: scan.labels, referenceNames: scan.names };
  const raw = await segmentVolume({ ...common, postprocess: false });
  const r = await segmentVolume({ ...common, postprocess: true });
  return {
    scan: scanName,
    dims: [...scan.image.dims],
    spacingMm: scan.image.spacing.map((s) => Number(s.toFixed(4))),
    trainingGrid: r.details.trainingGrid,
    tiles: r.details.tiles,
    tileSize: r.details.tileSize,
    dice: round(r.dice ?? {}),
    iou: round(r.iou ?? {}),
    diceRaw: round(raw.dice ?? {}),
    volumesMl: round(r.volumesMl, 1),
    referenceVolumesMl: round(referenceVolumes(scan, model.meta.classNames), 1),
    ms: Math.round(r.ms),
  };
}

export function gitCommit(cwd: string): string | undefined {
  try {
    const sha = execSync('git rev-parse --short=12 HEAD', { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execSync('git status --porcelain -- src', { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().length > 0;
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return undefined;
  }
}
