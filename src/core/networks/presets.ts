/**
 * The dual-path network's presets: which blocks each path has, the head, and the defaults a training run
 * starts from (spacing, batch size, output block size). Pure data; `architecture.ts` turns a config into
 * the layer list from which parameters and receptive field are counted.
 */
import type { Vec3 } from '../data/volume';
import { WorkbenchError } from '../errors';

export type PresetName = 'tiny' | 'medium' | 'small' | 'paper';

export const PRESET_NAMES: readonly PresetName[] = ['tiny', 'medium', 'small', 'paper'];

/** Each preset in words, for option lists. */
export const PRESET_TITLES: Readonly<Record<PresetName, string>> = { tiny: 'tiny (CI-sized)', medium: 'medium (trains on a CPU)', small: 'small (laptop GPU)', paper: 'paper (649k params)' };

/**
 * A residual block. `standard`: two 3³ conv+BN (+ReLU), channels in → out → out.
 * `bottleneck`: 1³ in → mid, 3³ mid → mid, 1³ mid → out. Both add a centre-cropped shortcut before the last
 * ReLU; when channels grow, the shortcut is added to the first `in` channels.
 */
export type BlockSpec = { kind: 'standard'; out: number } | { kind: 'bottleneck'; mid: number; out: number };

/** One path: a 3³ stem conv (1 → `stem` channels) followed by residual blocks. */
export interface PathSpec {
  stem: number;
  blocks: BlockSpec[];
}

export interface NetConfig {
  preset: PresetName;
  numClasses: number;
  full: PathSpec;
  context: PathSpec;
  /** Widths of the hidden 1×1×1 "fully connected" layers; a last layer to `numClasses` follows. */
  fcHidden: number[];
  /** Dropout rate before every fully connected layer (training only). */
  dropout: number;
  /** Momentum of batch-norm running averages: running ← (1 − m)·running + m·batch. */
  bnMomentum: number;
  bnEpsilon: number;
  /** Training defaults carried with the model. Spacing is (x, y, z) mm. */
  defaults: { spacing: Vec3; batchSize: number; outputSize: number };
}

const std = (out: number): BlockSpec => ({ kind: 'standard', out });
const bot = (mid: number, out: number): BlockSpec => ({ kind: 'bottleneck', mid, out });

function pathsOf(p: PathSpec): Pick<NetConfig, 'full' | 'context'> {
  return { full: p, context: { stem: p.stem, blocks: p.blocks.map((b) => ({ ...b })) } };
}

const PRESETS: Record<PresetName, Omit<NetConfig, 'numClasses'>> = {
  // Runs in CI on SwiftShader: r_f = r_c = 3, receptive field 4·7 = 28 voxels.
  tiny: {
    preset: 'tiny',
    ...pathsOf({ stem: 4, blocks: [std(6)] }),
    fcHidden: [16],
    dropout: 0.5,
    bnMomentum: 0.1,
    bnEpsilon: 1e-3,
    defaults: { spacing: [3, 3, 3], batchSize: 4, outputSize: 8 },
  },
  // Trainable on a CPU (the wasm backend) in an hour: 7 3³ convs per path, r_f = r_c = 7, receptive field
  // 4·15 = 60 voxels (180 mm at 3 mm: a whole abdominal organ with its neighbours in view).
  medium: {
    preset: 'medium',
    ...pathsOf({ stem: 8, blocks: [std(12), std(16), std(16)] }),
    fcHidden: [48],
    dropout: 0.5,
    bnMomentum: 0.1,
    bnEpsilon: 1e-3,
    defaults: { spacing: [3, 3, 3], batchSize: 8, outputSize: 12 },
  },
  // Laptop GPU: bottleneck blocks, r_f = r_c = 9, receptive field 4·19 = 76 voxels (152 mm at 2 mm).
  small: {
    preset: 'small',
    ...pathsOf({
      stem: 16,
      blocks: [bot(8, 32), bot(8, 32), bot(12, 48), bot(12, 48), bot(16, 64), bot(16, 64), bot(16, 64), bot(16, 64)],
    }),
    fcHidden: [96, 96],
    dropout: 0.5,
    bnMomentum: 0.1,
    bnEpsilon: 1e-3,
    defaults: { spacing: [2, 2, 2], batchSize: 8, outputSize: 16 },
  },
  // The paper's network: 15 3³ convs per path (r = 15), 4 FC layers, receptive field 124.
  paper: {
    preset: 'paper',
    ...pathsOf({ stem: 12, blocks: [std(12), std(16), std(16), std(32), std(32), std(40), std(40)] }),
    fcHidden: [150, 150, 150],
    dropout: 0.5,
    bnMomentum: 0.1,
    bnEpsilon: 1e-3,
    defaults: { spacing: [1, 1, 1.5], batchSize: 12, outputSize: 16 },
  },
};

/** The full config of a preset for `numClasses` output classes (background included). */
export function presetConfig(preset: PresetName, numClasses: number): NetConfig {
  const base = PRESETS[preset];
  if (!base) {
    throw new WorkbenchError('bad-argument', `Unknown network preset "${String(preset)}"; expected one of ${PRESET_NAMES.join(', ')}.`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new WorkbenchError('bad-argument', `A network needs at least 2 classes (background + one label); got ${numClasses}.`);
  }
  return structuredClone({ ...base, numClasses });
}
