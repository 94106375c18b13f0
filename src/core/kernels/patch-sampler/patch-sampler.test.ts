/**
 * Parity of the patch-sampler WGSL program with its plain-TS reference on real WebGPU (Dawn); the cases
 * and their tolerances are in patch-sampler.parity.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../../testing/gpu';
import type { ActiveBackend } from '../../backend/select';
import { PATCH_SAMPLER_CASES, patchSamplerParityRun, patchSamplerParitySet } from './patch-sampler.parity';

describe('patch sampler kernel parity (WebGPU vs reference)', () => {
  let b: ActiveBackend;
  let set: ReturnType<typeof patchSamplerParitySet>;
  beforeAll(async () => {
    b = await webgpuForTests();
    set = patchSamplerParitySet();
  });

  it.each(PATCH_SAMPLER_CASES)('$name', async (c) => {
    b.monitor!.clear();
    const r = await patchSamplerParityRun(c, set);
    console.log(`[patch-sampler parity] ${c.name}: max |image error| ${r.maxImageErr.toExponential(2)}, label mismatches ${r.labelMismatches}/${r.labelCount}`);
    expect(r.length).toBe(r.expectedLength);
    expect(r.maxImageErr).toBeLessThanOrEqual(c.tol);
    expect(r.labelMismatches).toBe(0);
    // The GPU really computed: the image blocks vary and (with labels) the matched labels include foreground.
    expect(r.distinct).toBeGreaterThan(20);
    if (r.withLabels) expect(r.nonzeroLabels).toBeGreaterThan(0);
    expect(tf.getBackend()).toBe('webgpu');
  });
});
