/**
 * Parity of the fast forward conv3d (registered over tfjs's Conv3D on real WebGPU) against the
 * plain-TS reference. Tolerance: |gpu − ref| ≤ 2e-6 · Σ|terms| + 1e-6 per element (see parity.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { Rng } from '../../random';
import { expectWorkbenchError } from '../../../testing/errors';
import { caseSeed, type ConvCase, FORWARD_ONLY_CASES, GRADIENT_CASES, size } from '../conv3d-common/cases';
import { conv3dGeometry } from '../conv3d-common/geometry';
import { randomArray } from '../conv3d-common/parity';
import { expectParity, fastKernelParitySuite } from '../conv3d-common/parity-suite';
import { conv3dReference } from './conv3d.reference';

const cases: ConvCase[] = [...GRADIENT_CASES, ...FORWARD_ONLY_CASES];

fastKernelParitySuite({
  what: 'forward',
  kernelName: 'Conv3D',
  cases,
  check: async (device, c) => {
    const rng = new Rng(caseSeed(c));
    const xs = randomArray(size(c.x), rng);
    const ws = randomArray(size(c.w), rng);
    const strides = c.strides ?? [1, 1, 1];
    const dilations = c.dilations ?? [1, 1, 1];
    const pad = c.pad ?? 'valid';
    await device.run(`conv3d parity case "${c.name}"`, async () => {
      const x = tf.tensor5d(xs, c.x);
      const w = tf.tensor5d(ws, c.w);
      const y = tf.conv3d(x, w, strides, pad, 'NDHWC', dilations);
      const got = await y.data();
      const g = conv3dGeometry(c.x, c.w, strides, dilations, pad);
      expect(y.shape).toEqual([g.batch, ...g.outDims, g.outChannels]);
      tf.dispose([x, w, y]);
      expectParity(`forward ${c.name}`, got, conv3dReference(xs, ws, g));
    });
  },
  more: () => {
    it('refuses int32 tensors with an error that names the input', () => {
      const x = tf.zeros([1, 4, 4, 4, 2], 'int32') as tf.Tensor5D;
      const w = tf.zeros([3, 3, 3, 2, 4], 'float32') as tf.Tensor5D;
      try {
        expectWorkbenchError(() => tf.conv3d(x, w, 1, 'valid'), 'bad-argument', /input "x" is int32/);
      } finally {
        tf.dispose([x, w]);
      }
    });
  },
});
