/**
 * The layer list of a dual-path network, derived from its config, and everything counted from it:
 * parameter numbers, the half receptive fields r_f and r_c, the receptive field and the patch geometry
 * (docs/DESIGN.md "Geometry of a training patch").
 */
import { WorkbenchError } from '../errors';
import { CONTEXT_FACTOR } from '../kernels/patch-sampler/patch-sampler.layout';
import type { BlockSpec, NetConfig, PathSpec } from './presets';

export type PathName = 'full' | 'context';

/** One weight layer. Convolutions are valid (no padding), stride 1; `kernel` is the cube side. */
export interface LayerSpec {
  /** Variable name prefix, e.g. "full/b3/conv1" or "head/fc2". */
  name: string;
  path: PathName | 'head';
  kind: 'conv' | 'fc';
  kernel: 1 | 3;
  inChannels: number;
  outChannels: number;
  /** Batch norm (gamma, beta) after the layer; such layers have no bias. */
  batchNorm: boolean;
  bias: boolean;
}

/** The context path works at 1/CONTEXT_FACTOR resolution (one source, shared with the patch sampler's WGSL). */
export { CONTEXT_FACTOR };

export interface PatchGeometry {
  /** O: the output block side in voxels (a multiple of 4). */
  outputSize: number;
  /** O + 2 r_f. */
  fullInputSize: number;
  /** O/4 + 2 r_c (low-resolution voxels). */
  contextInputSize: number;
  rFull: number;
  rContext: number;
  factor: typeof CONTEXT_FACTOR;
}

function conv(name: string, path: PathName, kernel: 1 | 3, inChannels: number, outChannels: number): LayerSpec {
  return { name, path, kind: 'conv', kernel, inChannels, outChannels, batchNorm: true, bias: false };
}

function blockLayers(path: PathName, index: number, inC: number, b: BlockSpec): LayerSpec[] {
  const p = `${path}/b${index}`;
  if (b.kind === 'standard') return [conv(`${p}/conv1`, path, 3, inC, b.out), conv(`${p}/conv2`, path, 3, b.out, b.out)];
  return [
    conv(`${p}/reduce`, path, 1, inC, b.mid),
    conv(`${p}/conv`, path, 3, b.mid, b.mid),
    conv(`${p}/expand`, path, 1, b.mid, b.out),
  ];
}

/** The layers of one path in order: the stem, then each block's convolutions. */
export function pathLayers(path: PathName, spec: PathSpec): LayerSpec[] {
  const layers = [conv(`${path}/stem`, path, 3, 1, spec.stem)];
  let c = spec.stem;
  spec.blocks.forEach((b, i) => {
    if (b.out < c) {
      throw new WorkbenchError('bad-argument', `Block ${i + 1} of the ${path} path shrinks channels from ${c} to ${b.out}; residual blocks may only keep or grow them.`);
    }
    layers.push(...blockLayers(path, i + 1, c, b));
    c = b.out;
  });
  return layers;
}

/** Output channels of a path (its last block's, or the stem's). */
export function pathChannels(spec: PathSpec): number {
  return spec.blocks.length ? spec.blocks[spec.blocks.length - 1].out : spec.stem;
}

export function headLayers(config: NetConfig): LayerSpec[] {
  const widths = [pathChannels(config.full) + pathChannels(config.context), ...config.fcHidden, config.numClasses];
  const layers: LayerSpec[] = [];
  for (let i = 1; i < widths.length; i++) {
    layers.push({ name: `head/fc${i}`, path: 'head', kind: 'fc', kernel: 1, inChannels: widths[i - 1], outChannels: widths[i], batchNorm: false, bias: true });
  }
  return layers;
}

/** Every weight layer: full path, context path, head. */
export function allLayers(config: NetConfig): LayerSpec[] {
  return [...pathLayers('full', config.full), ...pathLayers('context', config.context), ...headLayers(config)];
}

export function layerParameters(l: LayerSpec): number {
  return l.kernel ** 3 * l.inChannels * l.outChannels + (l.batchNorm ? 2 * l.outChannels : 0) + (l.bias ? l.outChannels : 0);
}

/** Half receptive field of a path in its own voxels: the sum of (k − 1)/2 over its convolutions. */
export function halfReceptiveField(layers: LayerSpec[]): number {
  return layers.reduce((r, l) => r + (l.kernel - 1) / 2, 0);
}

/** Receptive field of one output voxel in full-resolution voxels: max(2 r_f + 1, 4 (2 r_c + 1)). */
export function receptiveField(rFull: number, rContext: number): number {
  return Math.max(2 * rFull + 1, CONTEXT_FACTOR * (2 * rContext + 1));
}

/** Input sizes for an output block of `outputSize`³ voxels. */
export function patchGeometry(outputSize: number, rFull: number, rContext: number): PatchGeometry {
  if (!Number.isInteger(outputSize) || outputSize < CONTEXT_FACTOR || outputSize % CONTEXT_FACTOR !== 0) {
    throw new WorkbenchError('bad-argument', `The output block size must be a positive multiple of ${CONTEXT_FACTOR}; got ${outputSize}.`);
  }
  return {
    outputSize,
    fullInputSize: outputSize + 2 * rFull,
    contextInputSize: outputSize / CONTEXT_FACTOR + 2 * rContext,
    rFull,
    rContext,
    factor: CONTEXT_FACTOR,
  };
}
