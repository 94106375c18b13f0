import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isWorkbenchError } from '../errors';
import { allLayers, halfReceptiveField, layerParameters, pathLayers, patchGeometry, receptiveField } from './architecture';
import { createDualPathNet } from './dual-path-net';
import { PRESET_NAMES, presetConfig } from './presets';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('layer list and accounting', () => {
  it('paper preset: 15 3³ convs per path, 4 FC layers, 19 layers, the hand count of parameters', () => {
    const cfg = presetConfig('paper', 2);
    const full = pathLayers('full', cfg.full);
    expect(full.filter((l) => l.kernel === 3)).toHaveLength(15);
    expect(halfReceptiveField(full)).toBe(15);
    // Hand count (brief): per path stem 27·12 + Σ 27·(Cin·C + C·C) over the blocks, BN 2 per channel per conv.
    const blocks: [number, number][] = [[12, 12], [12, 16], [16, 16], [16, 32], [32, 32], [32, 40], [40, 40]];
    let perPath = 27 * 12 + 2 * 12;
    for (const [i, o] of blocks) perPath += 27 * (i * o + o * o) + 2 * 2 * o;
    const fc = (80 * 150 + 150) + 2 * (150 * 150 + 150) + (150 * 2 + 2);
    const net = createDualPathNet({ preset: 'paper', numClasses: 2, seed: 1 });
    const s = net.summary();
    expect(s.parameters).toBe(2 * perPath + fc);
    expect(s.parameters).toBe(649_200);
    expect(s.layers).toBe(19);
    expect(s.receptiveField).toBe(124);
    net.dispose();
  });

  it.each(PRESET_NAMES)('%s: the summary counts exactly the trainable variables the network holds', (preset) => {
    const net = createDualPathNet({ preset, numClasses: 3, seed: 2 });
    const held = net.trainableVariables.reduce((s, v) => s + v.size, 0);
    expect(net.summary().parameters).toBe(held);
    expect(allLayers(net.config).reduce((s, l) => s + layerParameters(l), 0)).toBe(held);
    net.dispose();
  });

  it('receptive fields and half receptive fields of the presets', () => {
    const rf = (p: (typeof PRESET_NAMES)[number]) => {
      const net = createDualPathNet({ preset: p, numClasses: 2, seed: 0 });
      const s = net.summary();
      net.dispose();
      return [s.rFull, s.rContext, s.receptiveField];
    };
    expect(rf('tiny')).toEqual([3, 3, 28]);
    expect(rf('medium')).toEqual([7, 7, 60]);
    expect(rf('small')).toEqual([9, 9, 76]);
    expect(rf('paper')).toEqual([15, 15, 124]);
    expect(receptiveField(20, 2)).toBe(41); // full path dominates when r_f > 4 r_c + 1.5
  });

  it('geometry follows DESIGN.md', () => {
    expect(patchGeometry(16, 15, 15)).toEqual({ outputSize: 16, fullInputSize: 46, contextInputSize: 34, rFull: 15, rContext: 15, factor: 4 });
    const net = createDualPathNet({ preset: 'tiny', numClasses: 2, seed: 0 });
    expect(net.geometry(8)).toEqual({ outputSize: 8, fullInputSize: 14, contextInputSize: 8, rFull: 3, rContext: 3, factor: 4 });
    expect(net.geometry().outputSize).toBe(net.config.defaults.outputSize);
    net.dispose();
    for (const bad of [6, 0, 2.5]) {
      let caught: unknown;
      try {
        patchGeometry(bad, 3, 3);
      } catch (e) {
        caught = e;
      }
      expect(isWorkbenchError(caught, 'bad-argument')).toBe(true);
    }
  });

  it('presets carry training defaults and reject bad arguments', () => {
    expect(presetConfig('paper', 2).defaults).toEqual({ spacing: [1, 1, 1.5], batchSize: 12, outputSize: 16 });
    expect(presetConfig('tiny', 2).defaults.outputSize).toBe(8);
    expect(presetConfig('small', 2).defaults.outputSize).toBe(16);
    expect(() => presetConfig('huge' as 'tiny', 2)).toThrow(/Unknown network preset "huge"/);
    expect(() => presetConfig('tiny', 1)).toThrow(/at least 2 classes/);
  });

  it('small uses bottleneck blocks and stays within 100k–200k parameters', () => {
    const cfg = presetConfig('small', 2);
    expect(cfg.full.blocks.every((b) => b.kind === 'bottleneck')).toBe(true);
    const net = createDualPathNet({ preset: 'small', numClasses: 2, seed: 0 });
    const p = net.summary().parameters;
    expect(p).toBeGreaterThan(100_000);
    expect(p).toBeLessThan(200_000);
    net.dispose();
  });
});
