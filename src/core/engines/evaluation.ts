/**
 * Whole-volume evaluation during training: isample's error maps E = 1 − p_true on training images, and
 * validation Dice per class on whole validation scans (on each scan's own grid, against its own labels).
 */
import type { Device } from '../backend/device';
import { chooseTileSizeForDevice, predictLabels, pTrueCollector, slidingWindowStream, type Predictor, type SlidingWindowOptions } from '../inferers';
import { computeDice } from '../metrics';
import type { DualPathNet } from '../networks';
import type { GpuTrainingSet } from '../transforms';
import { toScanGrid, type TrainingGrid } from './training-data';

/** The network in inference mode as a sliding-window predictor (logits; softmax applied by the window). */
export function netPredictor(net: DualPathNet): Predictor {
  return (full, context) => net.apply({ full, context }, false);
}

/**
 * Tile size for whole-volume passes: the largest the device's buffers allow (`chooseTileSizeForDevice`)
 * caps the search, and within it the size that computes the fewest voxels in all, counting each tile's
 * halo (T + 2·r_f)³ and the waste past the volume's edge. A 46×38×42 grid with r_f = 3 takes one 48³ tile
 * (157 k voxels computed) rather than eight 32³ tiles (439 k).
 */
export function evaluationTileSize(device: Device, net: DualPathNet, volumeDims: [number, number, number]): number {
  const software = device.software;
  const widest = Math.max(...net.summary().perLayer.map((l) => l.outChannels), net.numClasses);
  const cap = chooseTileSizeForDevice(device, {
    rFull: net.rFull,
    rContext: net.rContext,
    widestChannels: widest,
    numClasses: net.numClasses,
    volumeDims,
    maxTile: software ? 64 : 128,
  });
  let best = cap;
  let bestCost = Infinity;
  for (let t = 4; t <= cap; t += 4) {
    const tiles = volumeDims.reduce((n, d) => n * Math.ceil(d / t), 1);
    const cost = tiles * (t + 2 * net.rFull) ** 3;
    if (cost < bestCost) {
      bestCost = cost;
      best = t;
    }
  }
  return best;
}

function windowOptions(device: Device, net: DualPathNet, imageIndex: number, dims: [number, number, number], signal?: AbortSignal): SlidingWindowOptions {
  return {
    tileSize: evaluationTileSize(device, net, dims),
    overlap: 0,
    mode: 'constant',
    geometry: { rFull: net.rFull, rContext: net.rContext },
    numClasses: net.numClasses,
    imageIndex,
    activation: 'softmax',
    signal,
  };
}

/**
 * p_true on training image `i`, on its training grid; `signal` aborts between tiles (a 'cancelled' WorkbenchError).
 * `unlabelled` (per class): classes the scan does not label, whose probabilities count towards background's at
 * voxels of label 0 (as in the marginal loss), so isample does not chase an organ the scan leaves unlabelled.
 */
export async function pTrueOnTrainingImage(device: Device, net: DualPathNet, set: GpuTrainingSet, grid: TrainingGrid, i: number, signal?: AbortSignal, unlabelled?: boolean[]): Promise<Float32Array> {
  const sink = pTrueCollector(grid.dims, net.numClasses, grid.labels!, unlabelled);
  await device.run(`the error map of training image ${i + 1}`, () => slidingWindowStream(set, windowOptions(device, net, i, grid.dims, signal), netPredictor(net), [sink]));
  return sink.pTrue;
}

/** Mean Dice per class over the validation scans, keyed by class name (background excluded). */
export async function validationDice(p: {
  device: Device;
  net: DualPathNet;
  set: GpuTrainingSet;
  grids: TrainingGrid[];
  truth: Uint8Array[];
  classNames: string[];
  /** Aborts between tiles (a 'cancelled' WorkbenchError). */
  signal?: AbortSignal;
}): Promise<Record<string, number>> {
  const classes = p.classNames.map((_, k) => k).slice(1);
  const sums = new Map<number, { sum: number; n: number }>();
  for (let j = 0; j < p.grids.length; j++) {
    const g = p.grids[j];
    const { labels } = await p.device.run(`validating on scan ${j + 1}`, () => predictLabels(p.set, windowOptions(p.device, p.net, j, g.dims, p.signal), netPredictor(p.net)));
    const onScan = toScanGrid(g, labels, 'nearest').data as Uint8Array;
    // A class the validation scan does not label (none of its voxels) is not scored on it: absent from a
    // partially labelled map (B has no kidneys) means unknown, not "predict nothing".
    const truth = p.truth[j];
    const has = new Uint8Array(p.classNames.length);
    for (let v = 0; v < truth.length; v++) has[truth[v]] = 1;
    const dice = computeDice(onScan, truth, { classes: classes.filter((k) => has[k]) });
    for (const [k, d] of dice) {
      if (Number.isNaN(d)) continue;
      const s = sums.get(k) ?? { sum: 0, n: 0 };
      s.sum += d;
      s.n += 1;
      sums.set(k, s);
    }
  }
  const out: Record<string, number> = {};
  for (const k of classes) {
    const s = sums.get(k);
    if (s && s.n > 0) out[p.classNames[k]] = s.sum / s.n;
  }
  return out;
}
