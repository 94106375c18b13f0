/**
 * WGSL program that cuts a whole batch of training patches (or inference tiles) in one dispatch:
 * full-res input (trilinear), context input (mean of 8 trilinear samples per low-res voxel) and labels
 * (nearest), all through a per-patch affine map `source = centre + M · u`. Output layout and parameter
 * tables: see patch-sampler.layout.ts. Out-of-volume reads give the air value (images) and 0 (labels).
 */
import { FlatProgram } from '../common/flat-program';
import { f32Literal, pcgHashFn } from '../common/wgsl';
import { GAMMA_FLOOR, NOISE_BITS, wgslLayoutConstants } from './patch-sampler.layout';

const HELPERS = /* wgsl */ `
struct Patch {
  r0 : vec3<f32>,
  r1 : vec3<f32>,
  r2 : vec3<f32>,
  centre : vec3<f32>,
  imageOffset : i32,
  labelOffset : i32,
  dims : vec3<i32>,
}

fn pfAt(p : i32, k : i32) -> f32 { return patchF[p * PF_COLUMNS + k]; }
fn piAt(p : i32, k : i32) -> i32 { return patchI[p * PI_COLUMNS + k]; }

fn loadPatch(p : i32) -> Patch {
  let b = p * PF_COLUMNS + PF_MATRIX;
  let c = p * PF_COLUMNS + PF_CENTRE;
  return Patch(
    vec3<f32>(patchF[b], patchF[b + 1], patchF[b + 2]),
    vec3<f32>(patchF[b + 3], patchF[b + 4], patchF[b + 5]),
    vec3<f32>(patchF[b + 6], patchF[b + 7], patchF[b + 8]),
    vec3<f32>(patchF[c], patchF[c + 1], patchF[c + 2]),
    piAt(p, PI_IMAGEOFFSET),
    piAt(p, PI_LABELOFFSET),
    vec3<i32>(piAt(p, PI_DIMS), piAt(p, PI_DIMS + 1), piAt(p, PI_DIMS + 2)));
}

// M · u; exact in f32 because M is quantised (see the layout file).
fn mulM(pt : Patch, u : vec3<f32>) -> vec3<f32> {
  return vec3<f32>(dot(pt.r0, u), dot(pt.r1, u), dot(pt.r2, u));
}

fn voxelAt(pt : Patch, q : vec3<i32>) -> f32 {
  if (any(q < vec3<i32>(0)) || any(q >= pt.dims)) { return uniforms.values.x; }
  return img[pt.imageOffset + q.x + pt.dims.x * (q.y + pt.dims.y * q.z)];
}

// Corners are blended along x, then y, then z (the reference uses the same order).
fn trilinear(pt : Patch, x : vec3<f32>) -> f32 {
  let f = floor(x);
  let t = x - f;
  let s = vec3<f32>(1.0) - t;
  let q = vec3<i32>(f);
  var c : array<f32, 8>;
  if (all(q >= vec3<i32>(0)) && all(q + vec3<i32>(1) < pt.dims)) {
    let sy = pt.dims.x;
    let sz = pt.dims.x * pt.dims.y;
    let i = pt.imageOffset + q.x + sy * q.y + sz * q.z;
    c = array<f32, 8>(img[i], img[i + 1], img[i + sy], img[i + sy + 1], img[i + sz], img[i + sz + 1], img[i + sz + sy], img[i + sz + sy + 1]);
  } else {
    c = array<f32, 8>(
      voxelAt(pt, q), voxelAt(pt, q + vec3<i32>(1, 0, 0)), voxelAt(pt, q + vec3<i32>(0, 1, 0)), voxelAt(pt, q + vec3<i32>(1, 1, 0)),
      voxelAt(pt, q + vec3<i32>(0, 0, 1)), voxelAt(pt, q + vec3<i32>(1, 0, 1)), voxelAt(pt, q + vec3<i32>(0, 1, 1)), voxelAt(pt, q + vec3<i32>(1, 1, 1)));
  }
  let c00 = c[0] * s.x + c[1] * t.x;
  let c10 = c[2] * s.x + c[3] * t.x;
  let c01 = c[4] * s.x + c[5] * t.x;
  let c11 = c[6] * s.x + c[7] * t.x;
  let c0 = c00 * s.y + c10 * t.y;
  let c1 = c01 * s.y + c11 * t.y;
  return c0 * s.z + c1 * t.z;
}

fn labelAt(pt : Patch, q : vec3<i32>) -> f32 {
  if (pt.labelOffset == NO_LABELS || any(q < vec3<i32>(0)) || any(q >= pt.dims)) { return 0.0; }
  let v = pt.labelOffset + q.x + pt.dims.x * (q.y + pt.dims.y * q.z);
  let word = bitcast<u32>(lbl[v / LABELS_PER_WORD]);
  let shift = u32(v % LABELS_PER_WORD) * 8u;
  return f32((word >> shift) & LABEL_MASK);
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
${pcgHashFn()}

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
    let pt = loadPatch(p);
    let u = vec3<f32>(cellOf(index - p * per, nf) - vec3<i32>(o / 2 + uniforms.radii.x));
    let v = trilinear(pt, pt.centre + mulM(pt, u));
    setOutputAtIndex(index, photometric(p, v, index));
    return;
  }
  if (index < fullCount + contextCount) {
    let per = nc * nc * nc;
    let local = index - fullCount;
    let p = local / per;
    let pt = loadPatch(p);
    let j = cellOf(local - p * per, nc);
    let base = vec3<f32>(j * CONTEXT_FACTOR) + vec3<f32>(1.5 - f32(o / 2 + CONTEXT_FACTOR * uniforms.radii.y));
    let x0 = pt.centre + mulM(pt, base);
    var sum = 0.0;
    for (var dz = -1; dz <= 1; dz += 2) {
      for (var dy = -1; dy <= 1; dy += 2) {
        for (var dx = -1; dx <= 1; dx += 2) {
          sum += trilinear(pt, x0 + mulM(pt, vec3<f32>(f32(dx), f32(dy), f32(dz))));
        }
      }
    }
    setOutputAtIndex(index, photometric(p, sum * 0.125, index));
    return;
  }
  let per = o * o * o;
  let local = index - fullCount - contextCount;
  let p = local / per;
  let pt = loadPatch(p);
  let u = vec3<f32>(cellOf(local - p * per, o) - vec3<i32>(o / 2));
  let x = pt.centre + mulM(pt, u);
  setOutputAtIndex(index, labelAt(pt, vec3<i32>(floor(x + vec3<f32>(0.5)))));
}
`;

/**
 * Inputs: `img` float32 [total image voxels], `lbl` int32 [packed label words], `patchF` float32
 * [N, PATCH_FLOAT_COLUMNS], `patchI` int32 [N, PATCH_INT_COLUMNS]. Output: float32 [total] (see layout).
 * Uniforms: sizes = (O, F, C, N), radii = (rFull, rContext, 0, 0), values = (air, valueMin, valueMax, 0).
 */
export class PatchSamplerProgram extends FlatProgram {
  readonly variableNames = ['img', 'lbl', 'patchF', 'patchI'];
  readonly uniforms = 'sizes : vec4<i32>, radii : vec4<i32>, values : vec4<f32>,';
  readonly shaderKey = 'patchSampler';

  constructor(total: number) {
    super([total]);
  }

  getUserCode(): string {
    return [wgslLayoutConstants(), HELPERS, noiseCode(), MAIN].join('\n');
  }
}
