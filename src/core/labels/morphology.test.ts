import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../data/volume';
import { Rng } from '../random';
import { ballHalfExtent, ballVoxels, inBall } from './ball';
import { close, dilate, erode, open } from './morphology';
import { connectedComponents, fillHolesInSlices, largestComponent } from './components';
import { fftGrid } from './morphology-fft';

/** Dilation straight from the definition: p is in it when some mask voxel lies in the ball around p. */
function bruteDilate(mask: Uint8Array, dims: Vec3, spacing: Vec3, r: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const [hx, hy, hz] = ballHalfExtent(r, spacing);
  const out = new Uint8Array(mask.length);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    search: for (let dz = -hz; dz <= hz; dz++) for (let dy = -hy; dy <= hy; dy++) for (let dx = -hx; dx <= hx; dx++) {
      const X = x + dx, Y = y + dy, Z = z + dz;
      if (X < 0 || Y < 0 || Z < 0 || X >= nx || Y >= ny || Z >= nz || !inBall(dx, dy, dz, spacing, r)) continue;
      if (mask[X + nx * (Y + ny * Z)]) { out[x + nx * (y + ny * z)] = 1; break search; }
    }
  }
  return out;
}

function randomMask(n: number, p: number, seed: number): Uint8Array {
  const r = new Rng(seed);
  return Uint8Array.from({ length: n }, () => (r.next() < p ? 1 : 0));
}

const sum = (m: Uint8Array): number => m.reduce((a, b) => a + b, 0);

describe('ball morphology', () => {
  const dims: Vec3 = [19, 14, 9];
  const spacing: Vec3 = [0.8, 1.1, 2.5];
  const n = dims[0] * dims[1] * dims[2];

  it('counts the anisotropic ball right', () => {
    expect(ballVoxels(1, [1, 1, 1])).toBe(7);
    expect(ballVoxels(2.4, [0.8, 1.1, 2.5])).toBeGreaterThan(ballVoxels(2.4, [1, 1.1, 2.5]));
    expect(ballHalfExtent(5, [0.782, 0.782, 1.6])).toEqual([6, 6, 3]);
  });

  it.each([
    [1, 0.02], [2.4, 0.01], [4, 0.005], [2.4, 0.3],
  ])('dilation with r = %f mm: FFT, distance transform and the definition agree voxel for voxel (density %f)', (r, p) => {
    const mask = randomMask(n, p, Math.round(r * 100));
    const want = bruteDilate(mask, dims, spacing, r);
    const direct = dilate(mask, { dims, spacing, radiusMm: r, method: 'direct' });
    const fft = dilate(mask, { dims, spacing, radiusMm: r, method: 'fft' });
    expect(sum(want)).toBeGreaterThan(sum(mask)); // it grew: not a trivial case
    expect(sum(want)).toBeLessThan(n);
    expect(Array.from(direct)).toEqual(Array.from(want));
    expect(Array.from(fft)).toEqual(Array.from(want));
  });

  it('erosion is the dual of dilation, and opening/closing are idempotent-ish set operations', () => {
    const mask = randomMask(n, 0.7, 7);
    for (const method of ['fft', 'direct'] as const) {
      const o = { dims, spacing, radiusMm: 2, method };
      const e = erode(mask, o);
      const comp = mask.map((v) => 1 - v);
      const d = bruteDilate(comp, dims, spacing, 2);
      expect(Array.from(e)).toEqual(Array.from(d.map((v) => 1 - v)));
      const op = open(mask, o), cl = close(mask, o);
      for (let i = 0; i < n; i++) {
        expect(op[i] <= mask[i]).toBe(true);
        expect(cl[i] >= mask[i]).toBe(true);
      }
    }
  });

  it('closing fills a cavity smaller than the ball and keeps one larger', () => {
    const d: Vec3 = [30, 30, 30];
    const m = new Uint8Array(27000).fill(1);
    const idx = (x: number, y: number, z: number): number => x + 30 * (y + 30 * z);
    for (let z = 13; z <= 16; z++) for (let y = 13; y <= 16; y++) for (let x = 13; x <= 16; x++) m[idx(x, y, z)] = 0; // 4 mm cube
    for (let z = 2; z <= 12; z++) for (let y = 2; y <= 12; y++) for (let x = 18; x <= 28; x++) m[idx(x, y, z)] = 0; // 11 mm cube
    for (const method of ['fft', 'direct'] as const) {
      const c = close(m, { dims: d, spacing: [1, 1, 1], radiusMm: 3, method });
      expect(c[idx(14, 14, 14)]).toBe(1);
      expect(c[idx(23, 7, 7)]).toBe(0);
    }
  });

  it('pads FFT grids to 5-smooth sizes at least n + half extent', () => {
    expect(fftGrid([512, 512, 150], ballHalfExtent(20, [0.782, 0.782, 1.6]))).toEqual([540, 540, 162]);
  });

  it('refuses a mask that does not fit the grid, with a sentence', () => {
    expect(() => dilate(new Uint8Array(5), { dims, spacing, radiusMm: 1 })).toThrow(/5 voxels cannot be on a 19×14×9 grid/);
  });
});

describe('components and holes', () => {
  it('labels 6-connected components and keeps the largest', () => {
    const dims: Vec3 = [5, 3, 2];
    const m = new Uint8Array(30);
    m[0] = m[1] = m[2] = 1; // a row of 3
    m[4 + 5 * 2] = 1; // an isolated voxel
    m[4 + 5 * 2 + 15] = 1; // below it in z: same component
    m[6 + 1] = 0;
    const { sizes } = connectedComponents(m, dims);
    expect(sizes.slice(1).sort()).toEqual([2, 3]);
    expect(sum(largestComponent(m, dims))).toBe(3);
  });

  it('fills holes per slice along the given axis only', () => {
    const dims: Vec3 = [5, 5, 3];
    const m = new Uint8Array(75);
    for (let z = 0; z < 3; z++) for (let y = 1; y <= 3; y++) for (let x = 1; x <= 3; x++) if (!(x === 2 && y === 2)) m[x + 5 * (y + 5 * z)] = 1;
    const f = fillHolesInSlices(m, dims, 2);
    expect(f[2 + 5 * 2 + 25]).toBe(1);
    // along x the slices see a tube open at both ends: nothing to fill
    expect(fillHolesInSlices(m, dims, 0)[2 + 5 * 2 + 25]).toBe(0);
  });
});
