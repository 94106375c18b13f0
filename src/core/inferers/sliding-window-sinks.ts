/**
 * Consumers of finished probability slabs from the sliding window. A slab holds whole z-slices
 * `[depth, ny, nx, K]` (class fastest, NDHWC order); each voxel arrives exactly once.
 */
import type { Vec3 } from '../data/volume';
import { WorkbenchError } from '../errors';
import type { LabelArray } from '../transforms/training-set';

export interface ProbabilitySlab {
  /** First z-slice of this slab. */
  zStart: number;
  depth: number;
  dims: Vec3;
  numClasses: number;
  /** float32 [depth, ny, nx, K]; only valid during the call. */
  probabilities: Float32Array;
}

export interface ProbabilitySink {
  accept(slab: ProbabilitySlab): void;
}

const slabOffset = (s: ProbabilitySlab) => s.zStart * s.dims[0] * s.dims[1];
const slabVoxels = (s: ProbabilitySlab) => s.depth * s.dims[0] * s.dims[1];

/** Keeps every probability: float32 [nz, ny, nx, K] (voxels × K × 4 bytes: only for small volumes). */
export function probabilityCollector(dims: Vec3, numClasses: number): ProbabilitySink & { probabilities: Float32Array } {
  const probabilities = new Float32Array(dims[0] * dims[1] * dims[2] * numClasses);
  return {
    probabilities,
    accept(s) {
      probabilities.set(s.probabilities, slabOffset(s) * numClasses);
    },
  };
}

/** Argmax labels (uint8, x fastest) and the winning probability per voxel. */
export function argmaxCollector(dims: Vec3, numClasses: number): ProbabilitySink & { labels: Uint8Array; confidence: Float32Array } {
  if (numClasses > 256) throw new WorkbenchError('bad-argument', `Argmax labels are stored as bytes; ${numClasses} classes is too many.`);
  const n = dims[0] * dims[1] * dims[2];
  const labels = new Uint8Array(n);
  const confidence = new Float32Array(n);
  return {
    labels,
    confidence,
    accept(s) {
      const base = slabOffset(s);
      const p = s.probabilities;
      for (let v = 0; v < slabVoxels(s); v++) {
        let best = 0;
        let bp = p[v * numClasses];
        for (let k = 1; k < numClasses; k++) if (p[v * numClasses + k] > bp) bp = p[v * numClasses + (best = k)];
        labels[base + v] = best;
        confidence[base + v] = bp;
      }
    },
  };
}

/**
 * p_true(v) = p[v, L(v)] for the given true labels (x fastest), and E = 1 − p_true on request. Where
 * `unlabelled[k]` (a partially labelled scan), voxels of label 0 take p_0 + Σ_{k unlabelled} p[v, k].
 */
export function pTrueCollector(dims: Vec3, numClasses: number, trueLabels: LabelArray, unlabelled?: readonly boolean[]): ProbabilitySink & { pTrue: Float32Array; errorMap(): Float32Array } {
  const n = dims[0] * dims[1] * dims[2];
  if (trueLabels.length !== n) {
    throw new WorkbenchError('label-grid-mismatch', `The label map has ${trueLabels.length} voxels but the image is ${dims.join('×')} = ${n}; a label map must match its image.`);
  }
  const pTrue = new Float32Array(n);
  const merged = unlabelled ? [...unlabelled.keys()].filter((k) => k > 0 && unlabelled[k]) : [];
  return {
    pTrue,
    accept(s) {
      const base = slabOffset(s);
      for (let v = 0; v < slabVoxels(s); v++) {
        const k = trueLabels[base + v];
        if (!(k >= 0 && k < numClasses)) throw new WorkbenchError('bad-argument', `Voxel ${base + v} has label ${k}; expected a class 0..${numClasses - 1}.`);
        let p = s.probabilities[v * numClasses + k];
        if (k === 0) for (const j of merged) p += s.probabilities[v * numClasses + j];
        pTrue[base + v] = p;
      }
    },
    errorMap() {
      return pTrue.map((p) => Math.min(1, Math.max(0, 1 - p)));
    },
  };
}
