/**
 * WGSL for the conv3d filter gradient on CPU adapters ("rows" variant, no workgroup memory):
 * dW [KD, KH, KW, Cin, Cout] = Σ_{b, o} x[b, o·s − pad + t·d, ci] · dy[b, o, co].
 *
 * Each thread owns one (kd, kh), a group of RC input channels (4, read as one vec4, when Cin allows),
 * all KW taps along W and RNV vec4s of output channels, and walks whole output rows (b, od, oh) of one
 * run of rows; per output voxel it loads KW x values and RNV dy vec4s for RC·KW·RNV vec4 multiply-adds.
 * Every run writes its own partial dW, summed afterwards by PartialSumProgram.
 */
import { range, wgslConstants, writeVec4Fn } from '../common/wgsl';
import { prod3, type Conv3DGeometry } from '../conv3d-common/geometry';
import { dyLoadFn, filterGradAccumulators, filterGradThreadWgsl, filterGradWriteBack } from './conv3d-backprop-filter.source';
import type { ChannelSplit } from '../conv3d-common/tiling';

export interface RowsTiling {
  /** Input channels per thread (4 when Cin % 4 == 0, read as a vec4). */
  rc: number;
  /** Channel groups (ceil(Cin / rc)) per workgroup, and workgroups (chunks) needed to cover them. */
  groupsPerWorkgroup: number;
  chunks: number;
  channels: ChannelSplit;
  workgroupSize: number;
  splits: number;
  rowsPerSplit: number;
  totalRows: number;
}

function constants(g: Conv3DGeometry, t: RowsTiling): string {
  const c: Record<string, number> = {
    KD: g.kernel[0], KH: g.kernel[1], KW: g.kernel[2],
    SD: g.strides[0], SH: g.strides[1], SW: g.strides[2],
    DD: g.dilations[0], DH: g.dilations[1], DW: g.dilations[2],
    CI: g.inChannels, CO: g.outChannels, RC: t.rc, CG: Math.ceil(g.inChannels / t.rc), GPW: t.groupsPerWorkgroup,
    RNV: t.channels.rnv, TNV: t.channels.threadsN * t.channels.rnv, THREADS_N: t.channels.threadsN,
    CO_TILES: t.channels.tiles, NCHUNK: t.chunks, DW_SIZE: prod3(g.kernel) * g.inChannels * g.outChannels,
  };
  return wgslConstants(c);
}

export const rowsVec4In = (g: Conv3DGeometry): boolean => g.inChannels % 4 === 0;
export const rowsVec4Out = (g: Conv3DGeometry): boolean => g.outChannels % 4 === 0;

function helpers(g: Conv3DGeometry): string {
  return `${dyLoadFn(g)}

${writeVec4Fn(rowsVec4Out(g))}`;
}

function xLoad(g: Conv3DGeometry, iw: string): string {
  return rowsVec4In(g)
    ? `select(vec4<f32>(0.0), x[(xRow + ${iw}) * (CI / 4) + cg], ${iw} >= 0 && ${iw} < xDims.z)`
    : `select(0.0, x[(xRow + ${iw}) * CI + cg], ${iw} >= 0 && ${iw} < xDims.z)`;
}

function fmas(g: Conv3DGeometry, t: RowsTiling, kw: number, xName: string): string[] {
  const comps = rowsVec4In(g) ? ['.x', '.y', '.z', '.w'] : [''];
  const lines: string[] = [];
  comps.forEach((c, rc) => {
    for (const n of range(t.channels.rnv)) lines.push(`acc_${rc}_${kw}_${n} += ${xName}${c} * d_${n};`);
  });
  return lines;
}

/** Whether consecutive output voxels along W read consecutive inputs (stride and dilation 1): x slides. */
export const slidingW = (g: Conv3DGeometry): boolean => g.strides[2] === 1 && g.dilations[2] === 1;

/** One output row: per voxel RNV dy vec4s and the x values of the KW taps (one new load when sliding). */
function rowLoop(g: Conv3DGeometry, t: RowsTiling): string {
  const KW = g.kernel[2];
  const dys = range(t.channels.rnv).map((n) => `let d_${n} = loadDy4((dyRow + ow) * CO + coBase + ${n * 4});`);
  if (!slidingW(g)) {
    const body = [...dys];
    for (const kw of range(KW)) {
      body.push(`let iw_${kw} = ow * SW - uniforms.pads.z + ${kw} * DW;`);
      body.push(`let x_${kw} = ${xLoad(g, `iw_${kw}`)};`);
      body.push(...fmas(g, t, kw, `x_${kw}`));
    }
    return `for (var ow = 0; ow < oDims.z; ow++) {\n        ${body.join('\n        ')}\n      }`;
  }
  // x_k holds the input at ow − pad + k; each step loads the last one and shifts the window.
  const pre = range(KW - 1).map((k) => `var x_${k} = ${xLoad(g, `${k} - uniforms.pads.z`)};`);
  const body = [...dys, `let x_${KW - 1} = ${xLoad(g, `ow + ${KW - 1} - uniforms.pads.z`)};`];
  for (const kw of range(KW)) body.push(...fmas(g, t, kw, `x_${kw}`));
  for (const k of range(KW - 1)) body.push(`x_${k} = x_${k + 1};`);
  return `${pre.join('\n      ')}
      for (var ow = 0; ow < oDims.z; ow++) {\n        ${body.join('\n        ')}
      }`;
}

export function filterGradRowsSource(g: Conv3DGeometry, t: RowsTiling): string {
  return `
${constants(g, t)}

${helpers(g)}

fn main(index : i32) {
  ${filterGradThreadWgsl()}
  let cg = cc * GPW + r % GPW;
  let tn = r / GPW;
  if (cg >= CG || tn >= THREADS_N) { return; }
  let coBase = ct * TNV * 4 + tn * RNV * 4;
  let xDims = vec3<i32>(uniforms.xShape.y, uniforms.xShape.z, uniforms.xShape.w);
  let oDims = vec3<i32>(uniforms.dyShape.y, uniforms.dyShape.z, uniforms.dyShape.w);
  ${filterGradAccumulators(g, t.rc, t.channels.rnv)}
  let rowEnd = min((sp + 1) * uniforms.rowsPerSplit, uniforms.totalRows);
  for (var row = sp * uniforms.rowsPerSplit; row < rowEnd; row++) {
    let oh = row % oDims.y;
    let od = (row / oDims.y) % oDims.x;
    let b = row / (oDims.y * oDims.x);
    let id = od * SD - uniforms.pads.x + kd * DD;
    let ih = oh * SH - uniforms.pads.y + kh * DH;
    if (id < 0 || id >= xDims.x || ih < 0 || ih >= xDims.y) { continue; }
    let xRow = ((b * xDims.x + id) * xDims.y + ih) * xDims.z;
    let dyRow = row * oDims.z;
    ${rowLoop(g, t)}
  }
  let tap0 = (kd * KH + kh) * KW;
  let part = sp * DW_SIZE;
  ${filterGradWriteBack(g, t.rc, t.channels.rnv, 'cg * RC')}
}
`;
}
