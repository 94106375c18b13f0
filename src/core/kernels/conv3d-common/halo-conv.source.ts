/**
 * WGSL for the "halo" convolution used by the forward conv3d and its input gradient.
 *
 * One workgroup computes an output block of BD×BH×BW voxels × one tile of output channels; each
 * thread accumulates RM consecutive voxels along W × RNV vec4s of output channels in registers
 * (an implicit GEMM: the A operand is read through the conv geometry, never copied as im2col).
 * Where the source voxels come from depends on the tiling's `staging` (see options.ts):
 *  - 'workgroup' (GPU tuning): for each chunk of CK reduction channels the block's halo is staged in
 *    workgroup memory, laid out [ci][hd][hh][hw], so each source value is read from global memory
 *    once per block rather than once per tap;
 *  - 'global' (CPU tuning): read straight from the storage buffer, vec4 over 4 reduction channels
 *    when CR allows, no barriers (SwiftShader's workgroup-memory loads are slow to compile and run).
 * Filter rows are read as vec4s straight from global memory: every thread of a channel tile reads
 * the same address (a broadcast served by the cache).
 *
 * Modes (src is [N, D, H, W, CR] NDHWC, the result [N, OD, OH, OW, CO]):
 *  - forward:            src = x,  out[o] += x[o*s - pad + t*d] · W[t, cr, co]
 *  - input-unit-stride:  src = dy, stride 1: a forward conv with pad K-1-pad and W = the filter
 *                        flipped in space with its channel axes swapped (made by FilterTransposeProgram),
 *                        or, with 'global' staging and CR % 4 == 0, the original filter read with
 *                        dot products over 4 reduction channels (readsOriginalFilter)
 *  - input-strided:      src = dy, dx[i] += dy[(i + pad - t)/s] · W[t, cr, co] where divisible,
 *                        W = the filter with its channel axes swapped (always 'workgroup' staging)
 * W is [KD, KH, KW, CR, CO] (bound as vec4s when CO is a multiple of 4) except with readsOriginalFilter.
 */
import { range, wgslConstants, writeVec4Fn } from '../common/wgsl';
import { prod3, type Vec3 } from './geometry';
import type { HaloConvTiling, HaloMode } from './tiling';

export interface HaloConvSourceSpec {
  mode: HaloMode;
  src: string;
  reduceChannels: number;
  outChannels: number;
  kernel: Vec3;
  strides: Vec3;
  dilations: Vec3;
  tiling: HaloConvTiling;
}

/**
 * Whether the input gradient reads the original filter [KT, CO, CR] (flipped taps; vec4 over the
 * reduction channels, combined by dot products) instead of a transposed copy: CPU tuning, unit
 * stride, CR a multiple of 4. Saves the transpose dispatch.
 */
export function readsOriginalFilter(p: Pick<HaloConvSourceSpec, 'mode' | 'reduceChannels' | 'tiling'>): boolean {
  return p.mode === 'input-unit-stride' && p.tiling.staging === 'global' && p.reduceChannels % 4 === 0;
}

function constants(p: HaloConvSourceSpec): string {
  const t = p.tiling;
  const tnv = t.channels.threadsN * t.channels.rnv;
  const c: Record<string, number> = {
    BD: t.block[0], BH: t.block[1], BW: t.block[2], RM: t.rm, TW: t.block[2] / t.rm,
    RNV: t.channels.rnv, TNV: tnv, CO_TILES: t.channels.tiles, CK: t.ck,
    CR: p.reduceChannels, CR4: Math.floor(p.reduceChannels / 4), CO: p.outChannels,
    LAST4: Math.floor((prod3(p.kernel) * p.reduceChannels * p.outChannels) / 4) - 1,
    HD: t.halo[0], HH: t.halo[1], HW: t.halo[2], HALO: prod3(t.halo),
    KD: p.kernel[0], KH: p.kernel[1], KW: p.kernel[2], KT: prod3(p.kernel),
    SD: p.strides[0], SH: p.strides[1], SW: p.strides[2],
    DD: p.dilations[0], DH: p.dilations[1], DW: p.dilations[2],
    WG: t.workgroupSize, VT: t.block[0] * t.block[1] * (t.block[2] / t.rm),
  };
  return wgslConstants(c);
}

/** True when W and the result can be bound as vec4 arrays. */
export function vec4Channels(outChannels: number): boolean {
  return outChannels % 4 === 0;
}

/** A vec4 of W starting at flat element index `i` (i is a multiple of 4 in the vec4 binding). */
function weightLoad(p: HaloConvSourceSpec, i: string): string {
  if (vec4Channels(p.outChannels)) return `W[(${i}) / 4]`;
  // Channels past CO only feed accumulators that are never written; clamp to stay inside W.
  return `loadW4(${i})`;
}

function origin(mode: HaloMode): string {
  if (mode === 'forward') return 'let h0 = o0 * vec3<i32>(SD, SH, SW) - uniforms.pads;';
  if (mode === 'input-unit-stride') return 'let h0 = o0 - uniforms.pads;';
  return `let num = o0 + uniforms.pads - vec3<i32>(KD - 1, KH - 1, KW - 1);
  let h0 = vec3<i32>(floorDiv(num.x, SD), floorDiv(num.y, SH), floorDiv(num.z, SW));
  let base = o0 + uniforms.pads - h0 * vec3<i32>(SD, SH, SW);`;
}

/** Loads of the RNV weight vec4s for each kw and the multiply-adds, given x values named by `xName(m, kw)`. */
function fmaBlock(p: HaloConvSourceSpec, xName: (m: number, kw: number) => string): string {
  const { rm } = p.tiling;
  const rnv = p.tiling.channels.rnv;
  const lines: string[] = [];
  for (const kw of range(p.kernel[2])) {
    for (const n of range(rnv)) lines.push(`let w_${kw}_${n} = ${weightLoad(p, `wr + ${kw} * CR * CO + ${n * 4}`)};`);
    for (const m of range(rm)) for (const n of range(rnv)) lines.push(`acc_${m}_${n} += ${xName(m, kw)} * w_${kw}_${n};`);
  }
  return lines.join('\n          ');
}

function computeDirect(p: HaloConvSourceSpec): string {
  const [s, d] = p.mode === 'forward' ? [p.strides[2], p.dilations[2]] : [1, 1];
  const offsets = new Set<number>();
  for (const m of range(p.tiling.rm)) for (const kw of range(p.kernel[2])) offsets.add(m * s + kw * d);
  const loads = [...offsets].sort((a, b) => a - b).map((o) => `let x_${o} = xs[xr + ${o}];`).join('\n          ');
  const sd = p.mode === 'forward' ? ['SD', 'SH', 'SW', 'DD', 'DH'] : ['1', '1', '1', '1', '1'];
  return `
    for (var ci = 0; ci < uniforms.loops.x; ci++) {
      for (var kd = 0; kd < uniforms.loops.y; kd++) {
        for (var kh = 0; kh < uniforms.loops.z; kh++) {
          let xr = ci * HALO + ((ld * ${sd[0]} + kd * ${sd[3]}) * HH + lh * ${sd[1]} + kh * ${sd[4]}) * HW + lw0 * ${sd[2]};
          let wr = ((kd * KH + kh) * KW * CR + c0 + ci) * CO + coBase;
          ${loads}
          ${fmaBlock(p, (m, kw) => `x_${m * s + kw * d}`)}
        }
      }
    }`;
}

/** acc (vec4 over 4 output channels) += x component × filter row (vec4 over output channels). */
function outerFmas(p: HaloConvSourceSpec, s: number, d: number): string[] {
  const { rm } = p.tiling;
  const rnv = p.tiling.channels.rnv;
  const fma: string[] = [];
  const comps = vec4Reduce(p) ? ['x', 'y', 'z', 'w'] : [''];
  for (const kw of range(p.kernel[2]))
    comps.forEach((c, ci) => {
      for (const n of range(rnv)) fma.push(`let w_${kw}_${ci}_${n} = ${weightLoad(p, `wr + ${kw} * CR * CO + ${ci} * CO + ${n * 4}`)};`);
      for (const m of range(rm))
        for (const n of range(rnv)) fma.push(`acc_${m}_${n} += x_${m * s + kw * d}${c ? `.${c}` : ''} * w_${kw}_${ci}_${n};`);
    });
  return fma;
}

/** acc component j += dot(x over 4 reduction channels, original filter row of output channel j). */
function dotFmas(p: HaloConvSourceSpec): string[] {
  const { rm } = p.tiling;
  const rnv = p.tiling.channels.rnv;
  const fma: string[] = [];
  // With one thread and one tile along channels, coBase is 0: channels ≥ CO are known to be unused.
  const single = p.tiling.channels.tiles === 1 && p.tiling.channels.threadsN === 1;
  const used = (j: number) => !single || j < p.outChannels;
  for (const kw of range(p.kernel[2])) {
    for (const j of range(4 * rnv).filter(used))
      fma.push(`let u_${kw}_${j} = W[min(((KT - 1 - tap0 - ${kw}) * CO + coBase + ${j}) * CR4 + ci / 4, LAST4)];`);
    for (const m of range(rm))
      for (const n of range(rnv)) {
        const dots = range(4).map((c) => (used(4 * n + c) ? `dot(x_${m + kw}, u_${kw}_${4 * n + c})` : '0.0'));
        fma.push(`acc_${m}_${n} += vec4<f32>(${dots.join(', ')});`);
      }
  }
  return fma;
}

/** x read straight from global memory, vec4 over 4 reduction channels when CR allows (no staging, no barriers). */
function computeGlobal(p: HaloConvSourceSpec): string {
  const [s, d] = p.mode === 'forward' ? [p.strides[2], p.dilations[2]] : [1, 1];
  const sd = p.mode === 'forward' ? ['SD', 'SH', 'SW', 'DD', 'DH'] : ['1', '1', '1', '1', '1'];
  const offsets = new Set<number>();
  for (const m of range(p.tiling.rm)) for (const kw of range(p.kernel[2])) offsets.add(m * s + kw * d);
  const v4 = vec4Reduce(p);
  const cstep = v4 ? 4 : 1;
  const loads = [...offsets]
    .sort((a, b) => a - b)
    .map((o) =>
      v4
        ? `let x_${o} = select(vec4<f32>(0.0), ${p.src}[(xrow + iw0 + ${o}) * CR4 + ci / 4], iw0 + ${o} >= 0 && iw0 + ${o} < srcDims.z);`
        : `let x_${o} = select(0.0, ${p.src}[(xrow + iw0 + ${o}) * CR + ci], iw0 + ${o} >= 0 && iw0 + ${o} < srcDims.z);`,
    )
    .join('\n          ');
  const fma = readsOriginalFilter(p) ? dotFmas(p) : outerFmas(p, s, d);
  return `
    let iw0 = h0.z + lw0 * ${sd[2]};
    for (var ci = 0; ci < CR; ci += ${cstep}) {
      for (var kd = 0; kd < uniforms.loops.y; kd++) {
        let id = h0.x + ld * ${sd[0]} + kd * ${sd[3]};
        if (id < 0 || id >= srcDims.x) { continue; }
        for (var kh = 0; kh < uniforms.loops.z; kh++) {
          let ih = h0.y + lh * ${sd[1]} + kh * ${sd[4]};
          if (ih < 0 || ih >= srcDims.y) { continue; }
          let xrow = ((b * srcDims.x + id) * srcDims.y + ih) * srcDims.z;
          let wr = ((kd * KH + kh) * KW * CR + ci) * CO + coBase;
          let tap0 = (kd * KH + kh) * KW;
          ${loads}
          ${fma.join('\n          ')}
        }
      }
    }`;
}

/** Whether the source can be read as vec4s over reduction channels (global staging only). */
export function vec4Reduce(p: Pick<HaloConvSourceSpec, 'reduceChannels' | 'tiling'>): boolean {
  return p.tiling.staging === 'global' && p.reduceChannels % 4 === 0;
}

function computeStrided(p: HaloConvSourceSpec): string {
  const js = new Set<number>();
  for (const m of range(p.tiling.rm)) for (const kw of range(p.kernel[2])) js.add(m - kw);
  const name = (j: number) => (j < 0 ? `n${-j}` : `${j}`);
  const loads = [...js]
    .map((j) => `let q_${name(j)} = base.z + lw0 + (${j});\n          let x_${name(j)} = select(0.0, xs[xr + q_${name(j)} / SW], q_${name(j)} % SW == 0);`)
    .join('\n          ');
  return `
    for (var ci = 0; ci < uniforms.loops.x; ci++) {
      for (var kd = 0; kd < uniforms.loops.y; kd++) {
        let qd = base.x + ld - kd;
        if (qd % SD != 0) { continue; }
        for (var kh = 0; kh < uniforms.loops.z; kh++) {
          let qh = base.y + lh - kh;
          if (qh % SH != 0) { continue; }
          let xr = ci * HALO + ((qd / SD) * HH + qh / SH) * HW;
          let wr = ((kd * KH + kh) * KW * CR + c0 + ci) * CO + coBase;
          ${loads}
          ${fmaBlock(p, (m, kw) => `x_${name(m - kw)}`)}
        }
      }
    }`;
}

function writeBack(p: HaloConvSourceSpec): string {
  const lines: string[] = [];
  for (const m of range(p.tiling.rm)) {
    lines.push(`if (o0.z + lw0 + ${m} < oDims.z) {`);
    lines.push(`  let ob = (rowBase + o0.z + lw0 + ${m}) * CO + coBase;`);
    for (const n of range(p.tiling.channels.rnv)) lines.push(`  writeVec4(ob + ${n * 4}, coBase + ${n * 4}, acc_${m}_${n});`);
    lines.push('}');
  }
  return lines.join('\n    ');
}

function loadW4Fn(p: HaloConvSourceSpec): string {
  if (vec4Channels(p.outChannels) || readsOriginalFilter(p)) return '';
  return `fn loadW4(i : i32) -> vec4<f32> {
  let last = KT * CR * CO - 1;
  return vec4<f32>(W[min(i, last)], W[min(i + 1, last)], W[min(i + 2, last)], W[min(i + 3, last)]);
}`;
}

/**
 * WGSL: stages the block's input halo for CK channels from c0 in workgroup memory xs [ci][hd][hh][hw],
 * reading `src` [N, D, H, W, channels] (shape `dims`, batch b) around `origin`; 0 outside the source or
 * where `live` is false. Shared by the halo convolution and the filter gradient.
 */
export function stageHaloWgsl(o: { src: string; channels: string; dims: string; live: string; origin: string }): string {
  return `for (var e = li; e < CK * HALO; e += WG) {
      let ci = e % CK;
      let p = e / CK;
      let g = ${o.origin} + vec3<i32>(p / (HW * HH), (p / HW) % HH, p % HW);
      var v = 0.0;
      if (${o.live} && c0 + ci < ${o.channels} && all(g >= vec3<i32>(0)) && all(g < ${o.dims})) {
        v = ${o.src}[(((b * ${o.dims}.x + g.x) * ${o.dims}.y + g.y) * ${o.dims}.z + g.z) * ${o.channels} + c0 + ci];
      }
      xs[ci * HALO + p] = v;
    }`;
}

/** WGSL: block coordinates (bd, bh, bw) and batch b from the flat block index `blk`, and the block's first output voxel o0. */
export function blockOriginWgsl(indent: string): string {
  return [
    'let bw = blk % uniforms.nBlocks.z; blk = blk / uniforms.nBlocks.z;',
    'let bh = blk % uniforms.nBlocks.y; blk = blk / uniforms.nBlocks.y;',
    'let bd = blk % uniforms.nBlocks.x;',
    'let b = blk / uniforms.nBlocks.x;',
    'let o0 = vec3<i32>(bd * BD, bh * BH, bw * BW);',
  ].join(`\n${indent}`);
}

function stagedLoop(p: HaloConvSourceSpec): string {
  const src = p.src;
  return `
  for (var c0 = 0; c0 < uniforms.loops.w; c0 += CK) {
    ${stageHaloWgsl({ src, channels: 'CR', dims: 'srcDims', live: 'batchOk', origin: 'h0' })}
    workgroupBarrier();
    ${p.mode === 'input-strided' ? computeStrided(p) : computeDirect(p)}
    workgroupBarrier();
  }
`;
}

export function haloConvSource(p: HaloConvSourceSpec): string {
  const src = p.src;
  const accs = range(p.tiling.rm).flatMap((m) => range(p.tiling.channels.rnv).map((n) => `var acc_${m}_${n} = vec4<f32>(0.0);`));
  return `
${constants(p)}
${p.tiling.staging === 'global' ? '' : `var<workgroup> xs : array<f32, ${p.tiling.ck * prod3(p.tiling.halo)}>;`}

fn floorDiv(a : i32, b : i32) -> i32 {
  let q = a / b;
  return select(q, q - 1, (a % b != 0) && (a < 0));
}

${loadW4Fn(p)}

${writeVec4Fn(vec4Channels(p.outChannels))}

fn main(index : i32) {
  let li = i32(localIndex);
  let wgFlat = i32(workgroupId.y * numWorkgroups.x + workgroupId.x);
  let coTile = wgFlat % CO_TILES;
  var blk = wgFlat / CO_TILES;
  ${blockOriginWgsl('  ')}
  let srcDims = vec3<i32>(uniforms.${src}Shape.y, uniforms.${src}Shape.z, uniforms.${src}Shape.w);
  let batchOk = b < uniforms.${src}Shape.x;
  ${origin(p.mode)}
  let tn = li / VT;
  let vt = li % VT;
  let lw0 = (vt % TW) * RM;
  let lh = (vt / TW) % BH;
  let ld = vt / (TW * BH);
  let coBase = coTile * TNV * 4 + tn * RNV * 4;
  ${accs.join('\n  ')}
${p.tiling.staging === 'global' ? computeGlobal(p) : stagedLoop(p)}
  let oDims = vec3<i32>(uniforms.outShape.y, uniforms.outShape.z, uniforms.outShape.w);
  let od = o0.x + ld;
  let oh = o0.y + lh;
  if (batchOk && od < oDims.x && oh < oDims.y) {
    let rowBase = ((b * oDims.x + od) * oDims.y + oh) * oDims.z;
    ${writeBack(p)}
  }
}
`;
}
