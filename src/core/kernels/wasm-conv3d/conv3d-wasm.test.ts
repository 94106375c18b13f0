/**
 * Parity of the WebAssembly SIMD conv3d kernels (forward, input gradient, filter gradient) against the
 * plain-TS references, on one thread and on a pool of threads sharing the memory.
 * Tolerance (parity.ts): |wasm − ref| ≤ 2e-6 · Σ|terms| + 1e-6 per element. With relaxed SIMD the
 * multiply-adds are fused (one rounding instead of two), which only makes the error smaller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../random';
import { caseSeed, type ConvCase, FORWARD_ONLY_CASES, GRADIENT_CASES, size } from '../conv3d-common/cases';
import { conv3dGeometry } from '../conv3d-common/geometry';
import { compareToReference, describeParity, randomArray } from '../conv3d-common/parity';
import { conv3dReference } from '../conv3d/conv3d.reference';
import { conv3dBackpropInputReference } from '../conv3d-backprop-input/conv3d-backprop-input.reference';
import { conv3dBackpropFilterReference } from '../conv3d-backprop-filter/conv3d-backprop-filter.reference';
import { conv3dBackpropFilterWasm, conv3dBackpropInputWasm, conv3dWasm } from './conv3d-wasm';
import { WasmRuntime } from './runtime';

/** Extra shapes of the networks: 1³ with channels not a multiple of 4, long rows, the stem at batch 4. */
const NETWORK_CASES: ConvCase[] = [
  { name: '1³ 6→5 (classes), ragged rows', x: [2, 3, 5, 7, 6], w: [1, 1, 1, 6, 5] },
  { name: 'stem 1→16, batch 4, 9³', x: [4, 9, 9, 9, 1], w: [3, 3, 3, 1, 16] },
  { name: '32→40, 11 voxels per row', x: [1, 4, 5, 13, 32], w: [3, 3, 3, 32, 40] },
];

function data(c: ConvCase) {
  const rng = new Rng(caseSeed(c));
  const g = conv3dGeometry(c.x, c.w, c.strides ?? [1, 1, 1], c.dilations ?? [1, 1, 1], c.pad ?? 'valid');
  const x = randomArray(size(c.x), rng);
  const w = randomArray(size(c.w), rng);
  const dy = randomArray(g.batch * g.outDims[0] * g.outDims[1] * g.outDims[2] * g.outChannels, rng);
  return { g, x, w, dy };
}

function expectParity(what: string, got: Float32Array, ref: ReturnType<typeof conv3dReference>): void {
  const r = compareToReference(got, ref);
  console.log(describeParity(what, r));
  expect(r.nonzero).toBeGreaterThan(0);
  expect(r.first).toBeUndefined();
  expect(r.failures).toBe(0);
}

for (const threads of [1, 2]) {
  describe(`WebAssembly SIMD conv3d, ${threads} thread${threads > 1 ? 's' : ''}`, () => {
    let rt: WasmRuntime;
    beforeAll(async () => {
      rt = await WasmRuntime.create({ threads });
    });
    afterAll(() => rt.dispose());

    it('runs on the threads asked for, with relaxed SIMD where the runtime has it', () => {
      expect(rt.info.threads).toBe(threads);
      // Node 20 gets relaxed SIMD from a V8 flag set at run time.
      expect(rt.info.relaxedSimd).toBe(true);
    });

    it.each([...GRADIENT_CASES, ...FORWARD_ONLY_CASES, ...NETWORK_CASES])('forward: $name', (c) => {
      const { g, x, w } = data(c);
      expectParity(`wasm forward ${c.name}`, conv3dWasm(rt, x, w, g), conv3dReference(x, w, g));
    });

    it.each([...GRADIENT_CASES, ...NETWORK_CASES])('input gradient: $name', (c) => {
      const { g, w, dy } = data(c);
      expectParity(`wasm input gradient ${c.name}`, conv3dBackpropInputWasm(rt, dy, w, g), conv3dBackpropInputReference(dy, w, g));
    });

    it.each([...GRADIENT_CASES, ...NETWORK_CASES])('filter gradient: $name', (c) => {
      const { g, x, dy } = data(c);
      expectParity(`wasm filter gradient ${c.name}`, conv3dBackpropFilterWasm(rt, x, dy, g), conv3dBackpropFilterReference(x, dy, g));
    });

    it('refuses a dilated input gradient (tfjs has none either)', () => {
      const { g, w, dy } = data(FORWARD_ONLY_CASES[1]);
      expect(() => conv3dBackpropInputWasm(rt, dy, w, g)).toThrow(/dilations must be 1/);
    });
  });
}

describe('WebAssembly SIMD without relaxed SIMD (multiply, then add)', () => {
  it('matches the reference too', async () => {
    const rt = await WasmRuntime.create({ threads: 1, relaxedSimd: false });
    expect(rt.info.relaxedSimd).toBe(false);
    const { g, x, w, dy } = data(GRADIENT_CASES[2]);
    expectParity('plain simd forward', conv3dWasm(rt, x, w, g), conv3dReference(x, w, g));
    expectParity('plain simd filter gradient', conv3dBackpropFilterWasm(rt, x, dy, g), conv3dBackpropFilterReference(x, dy, g));
    rt.dispose();
  });
});
