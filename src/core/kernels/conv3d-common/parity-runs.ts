/**
 * One parity case of each conv3d kernel (forward, input gradient, filter gradient) on the active tfjs
 * backend: seeded data, the kernel as tfjs runs it, and the comparison with the plain-TS reference.
 * Used by the kernels' unit tests and by the GPU kit's parity runner (scripts/gpu-kit/parity.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../random';
import { conv3dReference } from '../conv3d/conv3d.reference';
import { conv3dBackpropInputReference } from '../conv3d-backprop-input/conv3d-backprop-input.reference';
import { conv3dBackpropFilterReference } from '../conv3d-backprop-filter/conv3d-backprop-filter.reference';
import { caseSeed, size, type ConvCase } from './cases';
import { conv3dGeometry } from './geometry';
import { compareToReference, randomArray, type ParityReport } from './parity';

type Shape5 = [number, number, number, number, number];

export type ConvParityOp = 'forward' | 'backprop-input' | 'backprop-filter';

export interface ConvParityRun {
  report: ParityReport;
  /** Shape of the kernel's result, and the shape it should have. */
  shape: number[];
  expectedShape: number[];
}


export async function conv3dParityRun(op: ConvParityOp, c: ConvCase): Promise<ConvParityRun> {
  const strides = c.strides ?? [1, 1, 1];
  const dilations = c.dilations ?? [1, 1, 1];
  const pad = c.pad ?? 'valid';
  if (op === 'forward') {
    const rng = new Rng(caseSeed(c));
    const xs = randomArray(size(c.x), rng);
    const ws = randomArray(size(c.w), rng);
    const g = conv3dGeometry(c.x, c.w, strides, dilations, pad);
    const x = tf.tensor5d(xs, c.x);
    const w = tf.tensor5d(ws, c.w);
    const y = tf.conv3d(x, w, strides, pad, 'NDHWC', dilations);
    const got = await y.data();
    const shape = y.shape;
    tf.dispose([x, w, y]);
    return { report: compareToReference(got, conv3dReference(xs, ws, g)), shape, expectedShape: [g.batch, ...g.outDims, g.outChannels] };
  }
  const g = conv3dGeometry(c.x, c.w, strides, 1, pad);
  const dyShape: Shape5 = [g.batch, ...g.outDims, g.outChannels];
  if (op === 'backprop-input') {
    const rng = new Rng(caseSeed(c));
    const dys = randomArray(size(dyShape), rng);
    const ws = randomArray(size(c.w), rng);
    const dy = tf.tensor5d(dys, dyShape);
    const w = tf.tensor5d(ws, c.w);
    const dx = tf.engine().runKernel(tf.Conv3DBackpropInputV2, { dy, filter: w }, { strides, pad, inputShape: c.x }) as tf.Tensor;
    const got = await dx.data();
    const shape = dx.shape;
    tf.dispose([dy, w, dx]);
    return { report: compareToReference(got, conv3dBackpropInputReference(dys, ws, g)), shape, expectedShape: c.x };
  }
  const rng = new Rng(caseSeed(c) + 1);
  const xs = randomArray(size(c.x), rng);
  const dys = randomArray(size(dyShape), rng);
  const x = tf.tensor5d(xs, c.x);
  const dy = tf.tensor5d(dys, dyShape);
  const dw = tf.engine().runKernel(tf.Conv3DBackpropFilterV2, { x, dy }, { strides, pad, filterShape: c.w }) as tf.Tensor;
  const got = await dw.data();
  const shape = dw.shape;
  tf.dispose([x, dy, dw]);
  return { report: compareToReference(got, conv3dBackpropFilterReference(xs, dys, g)), shape, expectedShape: c.w };
}

/** A parity run passes when it had something to compute, the shape is right and no element is off. */
export const parityPassed = (r: ConvParityRun): boolean =>
  r.report.nonzero > 0 && r.report.failures === 0 && JSON.stringify(r.shape) === JSON.stringify(r.expectedShape);
