/**
 * Random spatial and photometric augmentation parameters for training patches (docs/DESIGN.md,
 * "Geometry of a training patch"): per patch a rotation by [U(±10°), U(±4°), U(±4°)] about (z, y, x),
 * a patch spacing of `targetSpacing + U(−0.1, 0.1)` mm per axis, and optional intensity changes.
 * All draws come from the caller's seeded `Rng` in a fixed order, so a seed reproduces a batch.
 */
import type { Vec3 } from '../data/volume';
import { WorkbenchError } from '../errors';
import type { Rng } from '../random';
import { quantizeMatrixEntry } from '../kernels/patch-sampler/patch-sampler.layout';

export interface PhotometricParams {
  enabled: boolean;
  /** v ← v·scale + shift, scale ~ U(scale[0], scale[1]), shift ~ U(shift[0], shift[1]) (scaled units). */
  scale: [number, number];
  shift: [number, number];
  /** Gamma ~ U(gamma[0], gamma[1]) on the value range mapped to [0, 1]; [1, 1] turns it off. */
  gamma: [number, number];
  /** σ of additive Gaussian noise ~ U(noiseSigma[0], noiseSigma[1]) (scaled units); [0, 0] turns it off. */
  noiseSigma: [number, number];
}

export interface AugmentParams {
  rotation: { enabled: boolean; /** Half-ranges in degrees about (z, y, x). */ maxDegrees: Vec3 };
  scaling: { enabled: boolean; /** Patch spacing = source spacing + U(−d, d) mm per axis. */ maxSpacingDeltaMm: number };
  photometric: PhotometricParams;
}

/** The papers' setting: rotation and spacing jitter on, intensity changes off. */
export const DEFAULT_AUGMENT: AugmentParams = {
  rotation: { enabled: true, maxDegrees: [10, 4, 4] },
  scaling: { enabled: true, maxSpacingDeltaMm: 0.1 },
  photometric: { enabled: false, scale: [0.9, 1.1], shift: [-0.1, 0.1], gamma: [0.8, 1.25], noiseSigma: [0, 0.05] },
};

/** No augmentation at all: identity transform (inference tiles, validation patches). */
export const NO_AUGMENT: AugmentParams = {
  rotation: { enabled: false, maxDegrees: [0, 0, 0] },
  scaling: { enabled: false, maxSpacingDeltaMm: 0 },
  photometric: { ...DEFAULT_AUGMENT.photometric, enabled: false },
};

/** A patch to cut: which training volume, and the centre voxel c (x, y, z) of its output block. */
export interface PatchRequest {
  image: number;
  centre: Vec3;
}

export interface IntensityTransform {
  scale: number;
  shift: number;
  gamma: number;
  noiseSigma: number;
  /** uint32 seed of the per-voxel noise stream. */
  noiseSeed: number;
}

export const IDENTITY_INTENSITY: IntensityTransform = { scale: 1, shift: 0, gamma: 1, noiseSigma: 0, noiseSeed: 0 };

/** Everything the sampler needs for one patch: source = centre + matrix · u (u in patch voxels, x,y,z). */
export interface PatchTransform {
  image: number;
  centre: Vec3;
  /** 3×3 row-major, entries quantised (see MATRIX_QUANTUM_BITS). */
  matrix: number[];
  intensity: IntensityTransform;
}

type Mat3 = number[];

function multiply(a: Mat3, b: Mat3): Mat3 {
  const r = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) r[3 * i + j] += a[3 * i + k] * b[3 * k + j];
  return r;
}

/** R = Rz(θz) · Ry(θy) · Rx(θx), angles in degrees, acting on (x, y, z) column vectors. */
export function rotationMatrix(degreesZYX: Vec3): Mat3 {
  const [z, y, x] = degreesZYX.map((d) => (d * Math.PI) / 180);
  const rz = [Math.cos(z), -Math.sin(z), 0, Math.sin(z), Math.cos(z), 0, 0, 0, 1];
  const ry = [Math.cos(y), 0, Math.sin(y), 0, 1, 0, -Math.sin(y), 0, Math.cos(y)];
  const rx = [1, 0, 0, 0, Math.cos(x), -Math.sin(x), 0, Math.sin(x), Math.cos(x)];
  return multiply(rz, multiply(ry, rx));
}

/**
 * M = diag(1/sourceSpacing) · R · diag(patchSpacing), quantised. With no rotation and
 * patchSpacing = sourceSpacing it is exactly the identity.
 */
export function patchMatrix(p: { degreesZYX: Vec3; patchSpacing: Vec3; sourceSpacing: Vec3 }): Mat3 {
  const r = rotationMatrix(p.degreesZYX);
  const m = new Array<number>(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) m[3 * i + j] = quantizeMatrixEntry((r[3 * i + j] * p.patchSpacing[j]) / p.sourceSpacing[i]);
  }
  return m;
}

export const IDENTITY_MATRIX: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

function drawIntensity(p: PhotometricParams, rng: Rng): IntensityTransform {
  if (!p.enabled) return IDENTITY_INTENSITY;
  return {
    scale: rng.uniform(p.scale[0], p.scale[1]),
    shift: rng.uniform(p.shift[0], p.shift[1]),
    gamma: p.gamma[0] === p.gamma[1] ? p.gamma[0] : rng.uniform(p.gamma[0], p.gamma[1]),
    noiseSigma: p.noiseSigma[0] === p.noiseSigma[1] ? p.noiseSigma[0] : rng.uniform(p.noiseSigma[0], p.noiseSigma[1]),
    noiseSeed: rng.uint32(),
  };
}

/**
 * Draws one transform per request. `sourceSpacing(i)` is the training-grid spacing (x, y, z) mm of volume i.
 * Draw order per patch: rotation (z, y, x), spacing (x, y, z), then photometric; disabled parts draw nothing.
 */
export function drawPatchTransforms(
  requests: readonly PatchRequest[],
  sourceSpacing: (image: number) => Vec3,
  aug: AugmentParams,
  rng: Rng,
): PatchTransform[] {
  return requests.map((req) => {
    const src = sourceSpacing(req.image);
    if (!src.every((s) => s > 0)) {
      throw new WorkbenchError('bad-argument', `Training volume ${req.image} has spacing ${src.join('×')} mm; spacings must be positive.`);
    }
    const md = aug.rotation.maxDegrees;
    const degrees: Vec3 = aug.rotation.enabled ? [rng.uniform(-md[0], md[0]), rng.uniform(-md[1], md[1]), rng.uniform(-md[2], md[2])] : [0, 0, 0];
    const d = aug.scaling.maxSpacingDeltaMm;
    const patchSpacing: Vec3 = aug.scaling.enabled ? [src[0] + rng.uniform(-d, d), src[1] + rng.uniform(-d, d), src[2] + rng.uniform(-d, d)] : [...src];
    const matrix = patchMatrix({ degreesZYX: degrees, patchSpacing, sourceSpacing: src });
    return { image: req.image, centre: [...req.centre], matrix, intensity: drawIntensity(aug.photometric, rng) };
  });
}

/** Identity transforms (inference tiles): same centres, no augmentation. */
export function identityTransforms(requests: readonly PatchRequest[]): PatchTransform[] {
  return requests.map((r) => ({ image: r.image, centre: [...r.centre], matrix: [...IDENTITY_MATRIX], intensity: IDENTITY_INTENSITY }));
}
