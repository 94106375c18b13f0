import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../testing/gpu';
import { isWorkbenchError } from '../errors';
import { createDualPathNet, netFromConfig, probabilities, type DualPathNet } from './dual-path-net';
import { presetConfig, type NetConfig, type PathSpec } from './presets';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function inputs(net: DualPathNet, n: number, o: number, seed: number) {
  const g = net.geometry(o);
  return {
    full: tf.randomUniform([n, g.fullInputSize, g.fullInputSize, g.fullInputSize, 1], -1, 1, 'float32', seed) as tf.Tensor5D,
    context: tf.randomUniform([n, g.contextInputSize, g.contextInputSize, g.contextInputSize, 1], -1, 1, 'float32', seed + 1) as tf.Tensor5D,
  };
}

async function values(vars: tf.Variable[]): Promise<number[]> {
  const out: number[] = [];
  for (const v of vars) out.push(...(await v.data()));
  return out;
}

describe('DualPathNet on the CPU backend', () => {
  it('the same seed gives identical weights; another seed different ones; init is Glorot-bounded', async () => {
    const a = createDualPathNet({ preset: 'tiny', numClasses: 2, seed: 42 });
    const b = createDualPathNet({ preset: 'tiny', numClasses: 2, seed: 42 });
    const c = createDualPathNet({ preset: 'tiny', numClasses: 2, seed: 43 });
    const va = await values(a.trainableVariables);
    expect(await values(b.trainableVariables)).toEqual(va);
    expect(await values(c.trainableVariables)).not.toEqual(va);
    const stem = await a.params.get('full/stem', 'weight').data();
    const limit = Math.sqrt(6 / (27 * 1 + 27 * 4));
    expect(Math.max(...Array.from(stem, Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...Array.from(stem, Math.abs))).toBeGreaterThan(0.5 * limit);
    [a, b, c].forEach((n) => n.dispose());
  });

  it('logits are [N, O, O, O, K] for any O that is a multiple of 4; probabilities sum to 1', async () => {
    const net = createDualPathNet({ preset: 'tiny', numClasses: 3, seed: 1 });
    for (const o of [4, 8, 12]) {
      const x = inputs(net, 2, o, o);
      const logits = net.apply(x, false);
      expect(logits.shape).toEqual([2, o, o, o, 3]);
      const p = await probabilities(logits).sum(4).data();
      p.forEach((v) => expect(v).toBeCloseTo(1, 5));
      tf.dispose([x.full, x.context, logits]);
    }
    net.dispose();
  });

  it('rejects inputs that do not fit the network, naming the expected shapes', () => {
    const net = createDualPathNet({ preset: 'tiny', numClasses: 2, seed: 1 });
    const full = tf.zeros([1, 14, 14, 14, 1]) as tf.Tensor5D;
    const badContext = tf.zeros([1, 7, 7, 7, 1]) as tf.Tensor5D;
    const badFull = tf.zeros([1, 13, 13, 13, 1]) as tf.Tensor5D;
    for (const x of [{ full, context: badContext }, { full: badFull, context: badContext }]) {
      let caught: unknown;
      try {
        net.apply(x, false);
      } catch (e) {
        caught = e;
      }
      expect(isWorkbenchError(caught, 'bad-argument')).toBe(true);
      expect((caught as Error).message).toMatch(/expects inputs full \[N, O\+6 .*context \[N, O\/4\+6/);
    }
    tf.dispose([full, badContext, badFull]);
    net.dispose();
  });

  it('l2Variables: every conv and FC weight but the last layer; trainable excludes running averages', () => {
    const net = createDualPathNet({ preset: 'paper', numClasses: 2, seed: 1 });
    const l2 = new Set(net.l2Variables);
    const weights = net.params.list.filter((p) => p.role === 'weight');
    expect(l2.size).toBe(weights.length - 1);
    expect(l2.has(net.params.get('head/fc4', 'weight'))).toBe(false);
    expect(l2.has(net.params.get('head/fc3', 'weight'))).toBe(true);
    expect(l2.has(net.params.get('context/b7/conv2', 'weight'))).toBe(true);
    expect(net.trainableVariables).not.toContain(net.params.get('full/stem', 'runningMean'));
    expect(net.trainableVariables).toContain(net.params.get('full/stem', 'gamma'));
    net.dispose();
  });

  it('training mode applies dropout (a different output each call); inference is deterministic', async () => {
    const net = createDualPathNet({ preset: 'tiny', numClasses: 2, seed: 1 });
    const x = inputs(net, 1, 8, 3);
    const inf1 = await net.apply(x, false).data();
    const inf2 = await net.apply(x, false).data();
    expect(Array.from(inf1)).toEqual(Array.from(inf2));
    const t1 = await net.apply(x, true).data();
    const t2 = await net.apply(x, true).data();
    expect(Array.from(t1)).not.toEqual(Array.from(t2));
    tf.dispose([x.full, x.context]);
    net.dispose();
  });

  it('apply leaks no tensors', () => {
    const net = createDualPathNet({ preset: 'tiny', numClasses: 2, seed: 1 });
    const x = inputs(net, 1, 8, 3);
    const before = tf.memory().numTensors;
    tf.dispose(net.apply(x, true));
    tf.dispose(net.apply(x, false));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x.full, x.context]);
    net.dispose();
  });
});

describe('DualPathNet on real WebGPU', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  // 'tiny' has standard blocks; 'tiny-bottleneck' (tiny's geometry with the small preset's bottleneck blocks,
  // 1³ convolutions as matrix products) keeps SwiftShader time low; the small preset itself takes over a minute.
  const bottleneckPath: PathSpec = { stem: 4, blocks: [{ kind: 'bottleneck', mid: 3, out: 6 }, { kind: 'bottleneck', mid: 4, out: 8 }] };
  const configs: Record<string, NetConfig> = {
    tiny: presetConfig('tiny', 2),
    'tiny-bottleneck': { ...presetConfig('tiny', 2), full: bottleneckPath, context: bottleneckPath },
  };
  it.each(['tiny', 'tiny-bottleneck'])('%s: training-mode logits and weight gradients agree with the CPU backend (tolerance 2e-3 relative to the largest)', async (name) => {
    const b = await webgpuForTests();
    const run = async (backend: 'cpu' | 'webgpu') => {
      await tf.setBackend(backend);
      const net = netFromConfig(configs[name], 7);
      const x = inputs(net, 2, 8, 11);
      const { value, grads } = tf.variableGrads(() => {
        const logits = net.apply(x, true);
        return tf.sum(tf.mul(logits, tf.linspace(-1, 1, logits.size).reshape(logits.shape))) as tf.Scalar;
      }, net.trainableVariables);
      const logits = await net.apply(x, false).data();
      const g = await grads[net.trainableVariables[0].name].data();
      const out = { loss: (await value.data())[0], logits, g };
      tf.dispose([value, ...Object.values(grads), x.full, x.context]);
      net.dispose();
      return out;
    };
    await b.run('dual-path net parity', async () => {
      const gpu = await run('webgpu');
      const cpu = await run('cpu');
      const close = (a: ArrayLike<number>, r: ArrayLike<number>) => {
        let scale = 0;
        let err = 0;
        for (let i = 0; i < r.length; i++) {
          scale = Math.max(scale, Math.abs(r[i]));
          err = Math.max(err, Math.abs(a[i] - r[i]));
        }
        expect(scale).toBeGreaterThan(0);
        expect(err / scale).toBeLessThan(2e-3);
      };
      close(gpu.logits, cpu.logits);
      close(gpu.g, cpu.g);
      expect(gpu.loss).toBeCloseTo(cpu.loss, 1);
    });
  });
});
