/**
 * WGSL for the conv3d filter gradient dW [KD, KH, KW, Cin, Cout] = Σ_{b, o} x[b, o·s − pad + t·d, ci] · dy[b, o, co].
 *
 * A workgroup owns dW for all taps × CK input channels × one tile of output channels and walks a run
 * of output blocks. Per block it stages the block's input halo (CK channels) in workgroup memory; each
 * thread owns one (kd, kh), RC input channels, all KW taps along W and RNV vec4s of output channels,
 * and reads dy rows as vec4s from global memory. VS thread groups split a block's voxels; every
 * (run, group) writes its own partial dW, summed afterwards by PartialSumProgram.
 */
import { range, wgslConstants, writeVec4Fn } from '../common/wgsl';
import { prod3, type Conv3DGeometry } from '../conv3d-common/geometry';
import { blockOriginWgsl, stageHaloWgsl } from '../conv3d-common/halo-conv.source';
import type { FilterGradTiling } from './filter-tiling';

export const vec4Out = (g: Conv3DGeometry): boolean => g.outChannels % 4 === 0;

function constants(g: Conv3DGeometry, t: FilterGradTiling): string {
  const c: Record<string, number> = {
    BD: t.block[0], BH: t.block[1], BW: t.block[2], BV: prod3(t.block),
    HD: t.halo[0], HH: t.halo[1], HW: t.halo[2], HALO: prod3(t.halo),
    KD: g.kernel[0], KH: g.kernel[1], KW: g.kernel[2], KT: prod3(g.kernel),
    SD: g.strides[0], SH: g.strides[1], SW: g.strides[2],
    DD: g.dilations[0], DH: g.dilations[1], DW: g.dilations[2],
    CI: g.inChannels, CO: g.outChannels, CK: t.ck, RC: t.rc, RCG: t.ck / t.rc,
    RNV: t.channels.rnv, TNV: t.channels.threadsN * t.channels.rnv, THREADS_N: t.channels.threadsN,
    CO_TILES: t.channels.tiles, NCHUNK: t.chunks, VS: t.vs, WG: t.workgroupSize,
    DW_SIZE: prod3(g.kernel) * g.inChannels * g.outChannels,
  };
  return wgslConstants(c);
}

/** `fn loadDy4(i)`: four output channels of dy from flat index i (clamped inside dy when not bound as vec4s). Shared with the rows variant. */
export function dyLoadFn(g: Conv3DGeometry): string {
  if (vec4Out(g)) return 'fn loadDy4(i : i32) -> vec4<f32> { return dy[i / 4]; }';
  return `fn loadDy4(i : i32) -> vec4<f32> {
  let last = arrayLength(&dy) - 1u;
  return vec4<f32>(dy[min(u32(i), last)], dy[min(u32(i + 1), last)], dy[min(u32(i + 2), last)], dy[min(u32(i + 3), last)]);
}`;
}

/**
 * WGSL: the start of both filter-gradient programs' main: the workgroup's channel tile ct, chunk cc and
 * split sp, and the thread's taps (kd, kh), with `r` left for the rest of the thread index.
 */
export function filterGradThreadWgsl(): string {
  return `let li = i32(localIndex);
  let wgFlat = i32(workgroupId.y * numWorkgroups.x + workgroupId.x);
  let ct = wgFlat % CO_TILES;
  let cc = (wgFlat / CO_TILES) % NCHUNK;
  let sp = wgFlat / (CO_TILES * NCHUNK);
  var r = li;
  let kh = r % KH; r = r / KH;
  let kd = r % KD; r = r / KD;`;
}

/** The accumulators acc_{rc}_{kw}_{n} of one thread (RC input channels × KW taps × RNV vec4s). Shared with the rows variant. */
export function filterGradAccumulators(g: Conv3DGeometry, rc: number, rnv: number): string {
  return range(rc)
    .flatMap((c) => range(g.kernel[2]).flatMap((kw) => range(rnv).map((n) => `var acc_${c}_${kw}_${n} = vec4<f32>(0.0);`)))
    .join('\n  ');
}

/**
 * Writes the accumulators into the partial dW at `part`: `ci` is the WGSL expression of the thread's
 * first input channel. Shared with the rows variant.
 */
export function filterGradWriteBack(g: Conv3DGeometry, rc: number, rnv: number, ci: string): string {
  const lines: string[] = [];
  for (const c of range(rc))
    for (const kw of range(g.kernel[2])) {
      lines.push(`if (${ci} + ${c} < CI) {`);
      lines.push(`  let wb = part + ((tap0 + ${kw}) * CI + ${ci} + ${c}) * CO + coBase;`);
      for (const n of range(rnv)) lines.push(`  writeVec4(wb + ${n * 4}, coBase + ${n * 4}, acc_${c}_${kw}_${n});`);
      lines.push('}');
    }
  return lines.join('\n  ');
}

function inner(g: Conv3DGeometry, t: FilterGradTiling): string {
  const lines: string[] = [];
  for (const n of range(t.channels.rnv)) lines.push(`let d_${n} = select(vec4<f32>(0.0), loadDy4(dyRow + ${n * 4}), inside);`);
  for (const rc of range(t.rc))
    for (const kw of range(g.kernel[2])) {
      lines.push(`let x_${rc}_${kw} = xs[xr + ${rc} * HALO + ${kw} * DW];`);
      for (const n of range(t.channels.rnv)) lines.push(`acc_${rc}_${kw}_${n} += x_${rc}_${kw} * d_${n};`);
    }
  return lines.join('\n        ');
}

export function filterGradSource(g: Conv3DGeometry, t: FilterGradTiling): string {
  return `
${constants(g, t)}
var<workgroup> xs : array<f32, ${t.ck * prod3(t.halo)}>;

${dyLoadFn(g)}

${writeVec4Fn(vec4Out(g))}

fn main(index : i32) {
  ${filterGradThreadWgsl()}
  let rcg = r % RCG; r = r / RCG;
  let tn = r % THREADS_N;
  let grp = r / THREADS_N;
  let c0 = cc * CK;
  let coBase = ct * TNV * 4 + tn * RNV * 4;
  let xDims = vec3<i32>(uniforms.xShape.y, uniforms.xShape.z, uniforms.xShape.w);
  let oDims = vec3<i32>(uniforms.dyShape.y, uniforms.dyShape.z, uniforms.dyShape.w);
  ${filterGradAccumulators(g, t.rc, t.channels.rnv)}
  for (var i = 0; i < uniforms.blocksPerSplit; i++) {
    var blk = sp * uniforms.blocksPerSplit + i;
    let blockLive = blk < uniforms.totalBlocks;
    ${blockOriginWgsl('    ')}
    let h0 = o0 * vec3<i32>(SD, SH, SW) - uniforms.pads;
    ${stageHaloWgsl({ src: 'x', channels: 'CI', dims: 'xDims', live: 'blockLive', origin: 'h0' })}
    workgroupBarrier();
    for (var v = grp; v < BV; v += VS) {
      let vw = v % BW;
      let vh = (v / BW) % BH;
      let vd = v / (BW * BH);
      let o = o0 + vec3<i32>(vd, vh, vw);
      let inside = blockLive && all(o < oDims);
      let dyRow = (((b * oDims.x + o.x) * oDims.y + o.y) * oDims.z + o.z) * CO + coBase;
      let xr = rcg * RC * HALO + ((vd * SD + kd * DD) * HH + vh * SH + kh * DH) * HW + vw * SW;
      ${inner(g, t)}
    }
    workgroupBarrier();
  }
  let ciBase = c0 + rcg * RC;
  let tap0 = (kd * KH + kh) * KW;
  let part = (sp * VS + grp) * DW_SIZE;
  ${filterGradWriteBack(g, t.rc, t.channels.rnv, 'ciBase')}
}
`;
}
