/**
 * Parity of the fast conv3d input gradient (tfjs kernel Conv3DBackpropInputV2 on real WebGPU) against
 * the plain-TS reference. Tolerance: |gpu − ref| ≤ 2e-6 · Σ|terms| + 1e-6 per element (see parity.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../../testing/gpu';
import { GRADIENT_CASES, GPU_TUNING_CASES, type ConvCase } from '../conv3d-common/cases';
import { configureConv3DKernels } from '../conv3d-common/options';
import { describeParity } from '../conv3d-common/parity';
import { conv3dParityRun } from '../conv3d-common/parity-runs';
import { fastKernelsRegistered, registerFastKernels } from '../registry';

describe('fast conv3d input gradient on real WebGPU', () => {
  beforeAll(async () => {
    await webgpuForTests();
    registerFastKernels();
  });

  it('is the kernel tfjs runs for Conv3DBackpropInputV2 on webgpu', () => {
    expect(fastKernelsRegistered()).toBe(true);
  });

  const checkCase = async (c: ConvCase): Promise<void> => {
    const r = await conv3dParityRun('backprop-input', c);
    console.log(describeParity(`input gradient ${c.name}`, r.report));
    expect(r.shape).toEqual(r.expectedShape);
    expect(r.report.nonzero).toBeGreaterThan(0);
    expect(r.report.first).toBeUndefined();
    expect(r.report.failures).toBe(0);
  };

  it.each(GRADIENT_CASES)('$name', checkCase);

  describe('tuned for GPUs (workgroup-memory halos, 4 KiB so that channels come in chunks)', () => {
    beforeAll(() => configureConv3DKernels({ tuneFor: 'gpu', maxWorkgroupBytes: 4096 }));
    afterAll(() => configureConv3DKernels({ tuneFor: 'auto', maxWorkgroupBytes: 32768 }));
    it.each(GRADIENT_CASES.filter((c) => GPU_TUNING_CASES.includes(c.name)))('$name', checkCase);
  });
});
