import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../testing/gpu';
import type { ActiveBackend } from './select';
import { isWorkbenchError } from '../errors';

describe('GPU error monitor on real WebGPU', () => {
  let b: ActiveBackend;
  beforeAll(async () => {
    b = await webgpuForTests();
  });

  it('runs on the webgpu backend with readable limits', () => {
    expect(tf.getBackend()).toBe('webgpu');
    expect(b.info.adapter.length).toBeGreaterThan(0);
    expect(b.info.limits!.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
  });

  it('notices the tfjs 4.22 trap: a 5-D tensor plus a 1-D tensor silently returns zeros', async () => {
    const monitor = b.monitor!;
    monitor.clear();
    const x = tf.ones([1, 8, 8, 8, 3]) // > 1000 elements, so tfjs does not hand the op to its CPU path;
    const bias = tf.tensor1d([1, 2, 3]);
    const y = tf.add(x, bias);
    const values = await y.data();
    // The bug: the shader does not compile and the output buffer is left as zeros.
    // tfjs is pinned at 4.22, where this reproduces on Dawn; if it ever stops, this test should be revisited.
    const broken = values.every((v) => v === 0);
    expect(broken).toBe(true);
    // Device errors arrive asynchronously: give the event a moment to land.
    await new Promise((r) => setTimeout(r, 50));
    if (broken) {
      let caught: unknown;
      try {
        monitor.check('a 5-D + 1-D add');
      } catch (e) {
        caught = e;
      }
      expect(isWorkbenchError(caught, 'gpu-validation')).toBe(true);
      expect((caught as Error).message).toMatch(/validation error.*during a 5-D \+ 1-D add/);
    } else {
      expect(Array.from(values.slice(0, 3))).toEqual([2, 3, 4]);
      expect(() => monitor.check('a 5-D + 1-D add')).not.toThrow();
    }
    tf.dispose([x, bias, y]);
  });

  it('the workaround (parameters shaped [1,1,1,1,C]) is correct and reports nothing', async () => {
    const monitor = b.monitor!;
    monitor.clear();
    const x = tf.ones([1, 8, 8, 8, 3]) // > 1000 elements, so tfjs does not hand the op to its CPU path;
    const bias = tf.tensor1d([1, 2, 3]).reshape([1, 1, 1, 1, 3]);
    const y = tf.add(x, bias);
    const values = await y.data();
    expect(Array.from(values.slice(0, 6))).toEqual([2, 3, 4, 2, 3, 4]);
    await new Promise((r) => setTimeout(r, 50));
    expect(() => monitor.check('a 5-D + [1,1,1,1,C] add')).not.toThrow();
    tf.dispose([x, bias, y]);
  });

  it('scoped() turns an invalid shader module into a typed error', async () => {
    const monitor = b.monitor!;
    monitor.clear();
    await expect(
      monitor.scoped('a deliberately broken shader', async () => {
        b.device!.createShaderModule({ code: 'this is not wgsl' });
      }),
    ).rejects.toMatchObject({ code: 'gpu-validation' });
  });
});
