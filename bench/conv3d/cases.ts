/**
 * The convolutions the benchmark times: every distinct conv3d of the `paper` preset at its training
 * patch size (two paths of 15 valid 3³ convs), plus 1³ bottleneck convs like the `small` preset's.
 * On a software adapter the batch and the spatial size may be shrunk (channels and kernels are kept);
 * the JSON records both the shape timed and the paper's shape.
 */
export type Shape5 = [number, number, number, number, number];

export interface PaperConv {
  /** e.g. "full L3". */
  name: string;
  cin: number;
  cout: number;
  kernel: number;
  /** Input edge (voxels) at the training patch size. */
  inSize: number;
}

/** Channels of the 15 convs of one path of the `paper` preset: stem, then 7 residual blocks of 2. */
const PAPER_CHANNELS: [number, number][] = [
  [1, 12], [12, 12], [12, 12], [12, 16], [16, 16], [16, 16], [16, 16],
  [16, 32], [32, 32], [32, 32], [32, 32], [32, 40], [40, 40], [40, 40], [40, 40],
];

/** Paper preset, output block 16³: full path input 46³, context path input 34³; training batch 12. */
export const PAPER_BATCH = 12;
const PATH_INPUT = { full: 46, context: 34 } as const;

export function paperConvs(): PaperConv[] {
  const out: PaperConv[] = [];
  for (const path of ['full', 'context'] as const) {
    PAPER_CHANNELS.forEach(([cin, cout], i) => {
      out.push({ name: `${path} L${i + 1}`, cin, cout, kernel: 3, inSize: PATH_INPUT[path] - 2 * i });
    });
  }
  // 1³ convs of bottleneck blocks (the `small` preset): squeeze and expand at a mid-network size.
  out.push({ name: 'bottleneck 1³ squeeze', cin: 32, cout: 8, kernel: 1, inSize: 24 });
  out.push({ name: 'bottleneck 1³ expand', cin: 8, cout: 32, kernel: 1, inSize: 24 });
  return out;
}

export interface BenchSettings {
  batch: number;
  /** Largest output edge timed (the input is this plus kernel − 1); undefined keeps the paper's sizes. */
  maxOutput?: number;
}

export interface BenchShape {
  /** Paper layers timed by this shape (several when shrinking made them equal). */
  layer: string;
  x: Shape5;
  w: Shape5;
  dy: Shape5;
  /** The first layer's shape at the paper's training batch and patch size. */
  paperX: Shape5;
}

/** The shapes to time, shrunk as `s` says and with duplicates merged. */
export function benchShapes(s: BenchSettings): BenchShape[] {
  const byKey = new Map<string, BenchShape>();
  for (const c of paperConvs()) {
    const paperOut = c.inSize - c.kernel + 1;
    const out = s.maxOutput === undefined ? paperOut : Math.min(paperOut, s.maxOutput);
    const inSize = out + c.kernel - 1;
    const x: Shape5 = [s.batch, inSize, inSize, inSize, c.cin];
    const w: Shape5 = [c.kernel, c.kernel, c.kernel, c.cin, c.cout];
    const key = [...x, ...w].join(',');
    const prev = byKey.get(key);
    if (prev) {
      prev.layer += `, ${c.name}`;
      continue;
    }
    byKey.set(key, {
      layer: c.name,
      x,
      w,
      dy: [s.batch, out, out, out, c.cout],
      paperX: [PAPER_BATCH, c.inSize, c.inSize, c.inSize, c.cin],
    });
  }
  return [...byKey.values()];
}

/** Multiply-adds of one conv3d pass (the same for forward and both gradients). */
export function shapeMacs(sh: BenchShape): number {
  const [n, od, oh, ow] = sh.dy;
  const [kd, kh, kw, ci, co] = sh.w;
  return n * od * oh * ow * kd * kh * kw * ci * co;
}
