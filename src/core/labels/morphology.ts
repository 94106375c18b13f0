/**
 * Binary morphology on 3-D masks with a ball of radius r mm (anisotropic voxels): dilation, erosion,
 * opening, closing. Two exact implementations that agree voxel for voxel:
 * - 'fft': convolution with the ball by 3-D FFT (see morphology-fft.ts);
 * - 'direct': an exact anisotropic Euclidean distance transform (see distance.ts), O(N) for any r.
 * 'auto' picks the faster by the crossover measured in bench/results/labels-morphology.json.
 *
 * Conventions: masks are 0/1 Uint8Array, `mask[x + nx * (y + ny * z)]`. Outside the grid is background for
 * a dilation; an erosion is the complement of the dilation of the complement, so outside counts as
 * foreground there (a closing does not eat into the scan's edges).
 */
import type { Vec3 } from '../data/volume';
import { WorkbenchError } from '../errors';
import { squaredDistanceTo } from './distance';
import { BALL_TOLERANCE } from './ball';
import { dilateFft } from './morphology-fft';

export type MorphologyMethod = 'auto' | 'fft' | 'direct';

export interface MorphologyOptions {
  dims: Vec3;
  spacing: Vec3;
  radiusMm: number;
  method?: MorphologyMethod;
  /** Called between stages; throw from it to cancel. */
  check?: () => void;
}

/**
 * The measured crossover (bench/results/labels-morphology.json, closing on this machine's CPU): the exact
 * distance transform took 13–17 s on 512×512×150 for r = 5, 10, 20 mm and 0.25–0.38 s on 128×128×40,
 * where the CPU FFT took 4–7 s and the WebGPU FFT (SwiftShader) 79–102 s; the FFT won at no radius.
 * The distance transform is O(N) whatever r is and the FFT O(N log N) with a larger constant, so the
 * crossover lies beyond any useful radius: 'auto' means 'direct' below this bound.
 */
export const FFT_CROSSOVER_MM = Infinity;

export function resolveMethod(method: MorphologyMethod, radiusMm: number): 'fft' | 'direct' {
  if (method !== 'auto') return method;
  return radiusMm >= FFT_CROSSOVER_MM ? 'fft' : 'direct';
}

function checkArgs(mask: Uint8Array, o: MorphologyOptions): void {
  const n = o.dims[0] * o.dims[1] * o.dims[2];
  if (mask.length !== n) throw new WorkbenchError('bad-argument', `A mask of ${mask.length} voxels cannot be on a ${o.dims.join('×')} grid (${n} voxels).`);
  if (!(o.radiusMm >= 0) || !Number.isFinite(o.radiusMm)) throw new WorkbenchError('bad-argument', `A ball radius must be a finite number of mm ≥ 0; got ${o.radiusMm}.`);
}

export function dilate(mask: Uint8Array, o: MorphologyOptions): Uint8Array {
  checkArgs(mask, o);
  if (o.radiusMm === 0) return mask.slice();
  if (resolveMethod(o.method ?? 'auto', o.radiusMm) === 'fft') return dilateFft(mask, o.dims, o.spacing, o.radiusMm, o.check);
  const d2 = squaredDistanceTo(mask, o.dims, o.spacing, () => o.check?.());
  const lim = o.radiusMm * o.radiusMm * (1 + BALL_TOLERANCE);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < out.length; i++) out[i] = d2[i] <= lim ? 1 : 0;
  return out;
}

function complement(m: Uint8Array): Uint8Array {
  const out = new Uint8Array(m.length);
  for (let i = 0; i < m.length; i++) out[i] = m[i] ? 0 : 1;
  return out;
}

export function erode(mask: Uint8Array, o: MorphologyOptions): Uint8Array {
  checkArgs(mask, o);
  if (o.radiusMm === 0) return mask.slice();
  const d = dilate(complement(mask), o);
  for (let i = 0; i < d.length; i++) d[i] = d[i] ? 0 : 1;
  return d;
}

/** Erosion then dilation: removes parts thinner than the ball. */
export function open(mask: Uint8Array, o: MorphologyOptions): Uint8Array {
  return dilate(erode(mask, o), o);
}

/** Dilation then erosion: closes gaps and cavities narrower than the ball. */
export function close(mask: Uint8Array, o: MorphologyOptions): Uint8Array {
  return erode(dilate(mask, o), o);
}
