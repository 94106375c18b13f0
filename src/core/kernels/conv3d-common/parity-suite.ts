/**
 * The shared frame of the fast conv3d kernels' parity tests on real WebGPU: the kernel is the one tfjs runs,
 * every case matches the plain-TS reference (see parity.ts for the tolerance), with the default tuning and
 * again tuned for GPUs with 4 KiB of workgroup memory (so that channels come in chunks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../../testing/gpu';
import type { Device } from '../../backend/device';
import { fastKernelsRegistered, registerFastKernels } from '../registry';
import { Rng } from '../../random';
import { caseSeed, GPU_TUNING_CASES, size, type ConvCase } from './cases';
import { conv3dGeometry } from './geometry';
import { configureConv3DKernels } from './options';
import { compareToReference, describeParity, randomArray } from './parity';

/** Logs the case's errors and fails unless every element is within tolerance (and some are not zero). */
export function expectParity(what: string, got: ArrayLike<number>, ref: Parameters<typeof compareToReference>[1]): void {
  const report = compareToReference(got, ref);
  console.log(describeParity(what, report));
  expect(report.nonzero).toBeGreaterThan(0);
  expect(report.first).toBeUndefined();
  expect(report.failures).toBe(0);
}

type Shape5 = [number, number, number, number, number];

/**
 * A gradient case: strides, padding, geometry, and seeded random data for the two operands, `a` shaped
 * `shapes[0]` and `b` shaped `shapes[1]`, each 'x', 'w' or 'dy' (drawn in that order from the case's seed + `seedOffset`).
 */
export function gradientCase(c: ConvCase, shapes: ['x' | 'w' | 'dy', 'x' | 'w' | 'dy'], seedOffset = 0) {
  const strides = c.strides ?? [1, 1, 1];
  const pad = c.pad ?? 'valid';
  const g = conv3dGeometry(c.x, c.w, strides, 1, pad);
  const dyShape: Shape5 = [g.batch, ...g.outDims, g.outChannels];
  const shapeOf = { x: c.x, w: c.w, dy: dyShape };
  const rng = new Rng(caseSeed(c) + seedOffset);
  const a = randomArray(size(shapeOf[shapes[0]]), rng);
  const b = randomArray(size(shapeOf[shapes[1]]), rng);
  return { strides, pad, g, dyShape, a, b };
}

export interface ParitySuite {
  /** What is tested, e.g. "input gradient": the suite is "fast conv3d <what> on real WebGPU". */
  what: string;
  /** The tfjs kernel name the fast kernel replaces. */
  kernelName: string;
  cases: ConvCase[];
  /** Runs one case on `device` and checks it (with `expectParity`). */
  check: (device: Device, c: ConvCase) => Promise<void>;
  /** More tests in the same describe block. */
  more?: (device: () => Device) => void;
}

export function fastKernelParitySuite(s: ParitySuite): void {
  describe(`fast conv3d ${s.what} on real WebGPU`, () => {
    let device: Device;
    beforeAll(async () => {
      device = await webgpuForTests();
      registerFastKernels();
    });

    it(`is the kernel tfjs runs for ${s.kernelName} on webgpu`, () => {
      expect(fastKernelsRegistered()).toBe(true);
    });

    const checkCase = (c: ConvCase) => s.check(device, c);
    it.each(s.cases)('$name', checkCase);

    describe('tuned for GPUs (workgroup-memory halos, 4 KiB so that channels come in chunks)', () => {
      beforeAll(() => configureConv3DKernels({ tuneFor: 'gpu', maxWorkgroupBytes: 4096 }));
      afterAll(() => configureConv3DKernels({ tuneFor: 'auto', maxWorkgroupBytes: 32768 }));
      it.each(s.cases.filter((c) => GPU_TUNING_CASES.includes(c.name)))('$name', checkCase);
    });

    s.more?.(() => device);
  });
}
