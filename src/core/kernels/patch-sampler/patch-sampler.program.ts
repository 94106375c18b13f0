/**
 * WGSL program that cuts a whole batch of training patches (or inference tiles) in one dispatch:
 * full-res input (trilinear), context input (mean of 8 trilinear samples per low-res voxel) and labels
 * (nearest), all through a per-patch affine map `source = centre + M · u`. Output layout and parameter
 * tables: see patch-sampler.layout.ts. Out-of-volume reads give the air value (images) and 0 (labels).
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';
import { GAMMA_FLOOR, NOISE_BITS, PCG, wgslLayoutConstants } from './patch-sampler.layout';

/** Number format WGSL accepts for a float literal. */
function f32Literal(v: number): string {
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

const HELPERS = /* wgsl */ `
fn pfAt(p : i32, k : i32) -> f32 { return patchF[p * PF_COLUMNS + k]; }
fn piAt(p : i32, k : i32) -> i32 { return patchI[p * PI_COLUMNS + k]; }
fn dimsOf(p : i32) -> vec3<i32> {
  return vec3<i32>(piAt(p, PI_DIMS), piAt(p, PI_DIMS + 1), piAt(p, PI_DIMS + 2));
}

fn voxelAt(off : i32, dims : vec3<i32>, q : vec3<i32>) -> f32 {
  if (any(q < vec3<i32>(0)) || any(q >= dims)) { return uniforms.values.x; }
  return img[off + q.x + dims.x * (q.y + dims.y * q.z)];
}

// Corners are blended along x, then y, then z (the reference uses the same order).
fn trilinear(off : i32, dims : vec3<i32>, x : vec3<f32>) -> f32 {
  let f = floor(x);
  let t = x - f;
  let s = vec3<f32>(1.0) - t;
  let q = vec3<i32>(f);
  let c00 = voxelAt(off, dims, q) * s.x + voxelAt(off, dims, q + vec3<i32>(1, 0, 0)) * t.x;
  let c10 = voxelAt(off, dims, q + vec3<i32>(0, 1, 0)) * s.x + voxelAt(off, dims, q + vec3<i32>(1, 1, 0)) * t.x;
  let c01 = voxelAt(off, dims, q + vec3<i32>(0, 0, 1)) * s.x + voxelAt(off, dims, q + vec3<i32>(1, 0, 1)) * t.x;
  let c11 = voxelAt(off, dims, q + vec3<i32>(0, 1, 1)) * s.x + voxelAt(off, dims, q + vec3<i32>(1, 1, 1)) * t.x;
  let c0 = c00 * s.y + c10 * t.y;
  let c1 = c01 * s.y + c11 * t.y;
  return c0 * s.z + c1 * t.z;
}

fn labelAt(off : i32, dims : vec3<i32>, q : vec3<i32>) -> f32 {
  if (off == NO_LABELS || any(q < vec3<i32>(0)) || any(q >= dims)) { return 0.0; }
  let v = off + q.x + dims.x * (q.y + dims.y * q.z);
  let word = bitcast<u32>(lbl[v / LABELS_PER_WORD]);
  let shift = u32(v % LABELS_PER_WORD) * 8u;
  return f32((word >> shift) & LABEL_MASK);
}

// source = centre + M · u; exact in f32 because M is quantised (see the layout file).
fn sourcePos(p : i32, u : vec3<f32>) -> vec3<f32> {
  let b = p * PF_COLUMNS + PF_MATRIX;
  let r0 = vec3<f32>(patchF[b], patchF[b + 1], patchF[b + 2]);
  let r1 = vec3<f32>(patchF[b + 3], patchF[b + 4], patchF[b + 5]);
  let r2 = vec3<f32>(patchF[b + 6], patchF[b + 7], patchF[b + 8]);
  let c = vec3<f32>(pfAt(p, PF_CENTRE), pfAt(p, PF_CENTRE + 1), pfAt(p, PF_CENTRE + 2));
  return c + vec3<f32>(dot(r0, u), dot(r1, u), dot(r2, u));
}

fn cellOf(r : i32, n : i32) -> vec3<i32> {
  let z = r / (n * n);
  let rem = r - z * n * n;
  let y = rem / n;
  return vec3<i32>(rem - y * n, y, z);
}
`;

function noiseCode(): string {
  const scale = f32Literal(2 ** -NOISE_BITS);
  return /* wgsl */ `
fn pcgHash(v : u32) -> u32 {
  let state = v * ${PCG.multiplier}u + ${PCG.increment}u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * ${PCG.wordMultiplier}u;
  return (word >> 22u) ^ word;
}

fn hashedNormal(seed : u32, index : u32) -> f32 {
  let h1 = pcgHash(seed ^ pcgHash(2u * index));
  let h2 = pcgHash(seed ^ pcgHash(2u * index + 1u));
  let u1 = (f32(h1 >> ${32 - NOISE_BITS}u) + 0.5) * ${scale};
  let u2 = f32(h2 >> ${32 - NOISE_BITS}u) * ${scale};
  return sqrt(-2.0 * log(u1)) * cos(${f32Literal(2 * Math.PI)} * u2);
}

fn photometric(p : i32, value : f32, index : i32) -> f32 {
  var r = value;
  let gamma = pfAt(p, PF_GAMMA);
  if (gamma != 1.0) {
    let lo = uniforms.values.y;
    let hi = uniforms.values.z;
    let s = max(clamp((r - lo) / (hi - lo), 0.0, 1.0), ${f32Literal(GAMMA_FLOOR)});
    r = lo + (hi - lo) * pow(s, gamma);
  }
  r = r * pfAt(p, PF_SCALE) + pfAt(p, PF_SHIFT);
  let sigma = pfAt(p, PF_NOISESIGMA);
  if (sigma > 0.0) {
    r = r + sigma * hashedNormal(bitcast<u32>(piAt(p, PI_NOISESEED)), u32(index));
  }
  return r;
}
`;
}

const MAIN = /* wgsl */ `
fn main(index : i32) {
  if (index >= uniforms.size) { return; }
  let o = uniforms.sizes.x;
  let nf = uniforms.sizes.y;
  let nc = uniforms.sizes.z;
  let batch = uniforms.sizes.w;
  let fullCount = batch * nf * nf * nf;
  let contextCount = batch * nc * nc * nc;
  if (index < fullCount) {
    let per = nf * nf * nf;
    let p = index / per;
    let u = vec3<f32>(cellOf(index - p * per, nf) - vec3<i32>(o / 2 + uniforms.radii.x));
    let v = trilinear(piAt(p, PI_IMAGEOFFSET), dimsOf(p), sourcePos(p, u));
    setOutputAtIndex(index, photometric(p, v, index));
    return;
  }
  if (index < fullCount + contextCount) {
    let per = nc * nc * nc;
    let local = index - fullCount;
    let p = local / per;
    let j = cellOf(local - p * per, nc);
    let base = vec3<f32>(j * CONTEXT_FACTOR) + vec3<f32>(1.5 - f32(o / 2 + CONTEXT_FACTOR * uniforms.radii.y));
    let off = piAt(p, PI_IMAGEOFFSET);
    let dims = dimsOf(p);
    var sum = 0.0;
    for (var dz = -1; dz <= 1; dz += 2) {
      for (var dy = -1; dy <= 1; dy += 2) {
        for (var dx = -1; dx <= 1; dx += 2) {
          sum += trilinear(off, dims, sourcePos(p, base + vec3<f32>(f32(dx), f32(dy), f32(dz))));
        }
      }
    }
    setOutputAtIndex(index, photometric(p, sum * 0.125, index));
    return;
  }
  let per = o * o * o;
  let local = index - fullCount - contextCount;
  let p = local / per;
  let u = vec3<f32>(cellOf(local - p * per, o) - vec3<i32>(o / 2));
  let x = sourcePos(p, u);
  setOutputAtIndex(index, labelAt(piAt(p, PI_LABELOFFSET), dimsOf(p), vec3<i32>(floor(x + vec3<f32>(0.5)))));
}
`;

/**
 * Inputs: `img` float32 [total image voxels], `lbl` int32 [packed label words], `patchF` float32
 * [N, PATCH_FLOAT_COLUMNS], `patchI` int32 [N, PATCH_INT_COLUMNS]. Output: float32 [total] (see layout).
 * Uniforms: sizes = (O, F, C, N), radii = (rFull, rContext, 0, 0), values = (air, valueMin, valueMax, 0).
 */
export class PatchSamplerProgram implements WebGPUProgram {
  readonly variableNames = ['img', 'lbl', 'patchF', 'patchI'];
  readonly uniforms = 'sizes : vec4<i32>, radii : vec4<i32>, values : vec4<f32>,';
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly size = true;
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  shaderKey = 'patchSampler';

  constructor(total: number) {
    this.outputShape = [total];
    this.dispatchLayout = webgpu_util.flatDispatchLayout(this.outputShape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, this.outputShape, this.workgroupSize);
  }

  getUserCode(): string {
    return [wgslLayoutConstants(), HELPERS, noiseCode(), MAIN].join('\n');
  }
}
