/**
 * Measures the receptive field from the network itself: the gradient of one output logit with respect to a
 * full-resolution input from which both path inputs are cut (the context one by 4³ average pooling), with
 * positive weights and inputs so that nothing cancels. Its nonzero extent must equal the stated receptive field.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDualPathNet } from './dual-path-net';
import type { PresetName } from './presets';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function measuredExtent(preset: PresetName, voxel: [number, number, number]) {
  const net = createDualPathNet({ preset, numClasses: 2, seed: 3 });
  for (const p of net.params.list) if (p.role === 'weight') p.variable.assign(tf.abs(p.variable));
  const g = net.geometry(4);
  const pad = Math.max(g.rFull, 4 * g.rContext);
  const side = g.outputSize + 2 * pad;
  const x = tf.add(tf.randomUniform([1, side, side, side, 1], 0, 1, 'float32', 7), 1);
  const grad = tf.grad((xx: tf.Tensor) => {
    const full = tf.slice(xx, [0, pad - g.rFull, pad - g.rFull, pad - g.rFull, 0], [1, g.fullInputSize, g.fullInputSize, g.fullInputSize, 1]);
    const cs = g.contextInputSize * 4;
    const ctxRegion = tf.slice(xx, [0, pad - 4 * g.rContext, pad - 4 * g.rContext, pad - 4 * g.rContext, 0], [1, cs, cs, cs, 1]);
    const context = tf.avgPool3d(ctxRegion as tf.Tensor5D, 4, 4, 'valid');
    const logits = net.apply({ full: full as tf.Tensor5D, context }, false);
    return tf.slice(logits, [0, ...voxel, 0], [1, 1, 1, 1, 1]).sum();
  });
  const gx = grad(x);
  const values = await gx.data();
  const lo = [side, side, side];
  const hi = [-1, -1, -1];
  for (let i = 0; i < values.length; i++) {
    if (values[i] === 0) continue;
    const w = i % side;
    const h = Math.floor(i / side) % side;
    const d = Math.floor(i / (side * side));
    [d, h, w].forEach((c, a) => {
      lo[a] = Math.min(lo[a], c);
      hi[a] = Math.max(hi[a], c);
    });
  }
  const stated = net.summary();
  tf.dispose([x, gx]);
  net.dispose();
  return { lo, hi, extent: lo.map((l, a) => hi[a] - l + 1), stated, pad };
}

describe('receptive field measured by gradients (CPU backend)', () => {
  it.each([['tiny'], ['small']] as [PresetName][])('%s: nonzero gradient extent equals the stated receptive field', async (preset) => {
    const voxel: [number, number, number] = [1, 2, 3];
    const m = await measuredExtent(preset, voxel);
    expect(m.extent).toEqual([m.stated.receptiveField, m.stated.receptiveField, m.stated.receptiveField]);
    // Position: the context path's low-res voxel ⌊j/4⌋ = 0 sees full-res [pad − 4 r_c, pad + 4 (r_c + 1)).
    const r = m.stated.rContext;
    expect(m.lo).toEqual([m.pad - 4 * r, m.pad - 4 * r, m.pad - 4 * r]);
    expect(m.hi).toEqual([m.pad + 4 * (r + 1) - 1, m.pad + 4 * (r + 1) - 1, m.pad + 4 * (r + 1) - 1]);
  });

  it('paper: nonzero gradient extent is 124', async () => {
    const m = await measuredExtent('paper', [0, 0, 0]);
    expect(m.stated.receptiveField).toBe(124);
    expect(m.extent).toEqual([124, 124, 124]);
  });
});

describe('each path on its own (CPU backend)', () => {
  it.each([['tiny'], ['small']] as [PresetName][])('%s: gradient extents are 2 r_f + 1 full-res and 2 r_c + 1 low-res voxels', async (preset) => {
    const net = createDualPathNet({ preset, numClasses: 2, seed: 4 });
    for (const p of net.params.list) if (p.role === 'weight') p.variable.assign(tf.abs(p.variable));
    const g = net.geometry(4);
    const full = tf.add(tf.randomUniform([1, g.fullInputSize, g.fullInputSize, g.fullInputSize, 1], 0, 1, 'float32', 1), 1) as tf.Tensor5D;
    const context = tf.add(tf.randomUniform([1, g.contextInputSize, g.contextInputSize, g.contextInputSize, 1], 0, 1, 'float32', 2), 1) as tf.Tensor5D;
    const [gf, gc] = tf.grads((f: tf.Tensor, c: tf.Tensor) =>
      tf.slice(net.apply({ full: f as tf.Tensor5D, context: c as tf.Tensor5D }, false), [0, 2, 2, 2, 0], [1, 1, 1, 1, 1]).sum(),
    )([full, context]);
    const extent = async (t: tf.Tensor, side: number) => {
      const v = await t.data();
      let lo = side;
      let hi = -1;
      v.forEach((x, i) => {
        if (x === 0) return;
        const w = i % side;
        lo = Math.min(lo, w);
        hi = Math.max(hi, w);
      });
      return hi - lo + 1;
    };
    expect(await extent(gf, g.fullInputSize)).toBe(2 * g.rFull + 1);
    expect(await extent(gc, g.contextInputSize)).toBe(2 * g.rContext + 1);
    tf.dispose([full, context, gf, gc]);
    net.dispose();
  });
});
