/**
 * conv3d forward, input gradient and filter gradient (NDHWC, float32) on the WebAssembly SIMD kernels.
 * The host side: pads the input (or dilates and pads dy), repacks the filter with its vectorised channel
 * axis rounded up to 4, lays the tensors out in the runtime's memory, runs the kernel on all threads,
 * and copies the result out. Layouts: x [N, D, H, W, Ci], filter [KD, KH, KW, Ci, Co], y/dy [N, OD, OH, OW, Co].
 */
import type { Conv3DGeometry, Vec3 } from '../conv3d-common/geometry';
import type { WasmRuntime } from './runtime';

const up4 = (n: number): number => (n + 3) & ~3;

/** Spatial extent of the input a valid conv reads: (O − 1)·s + (K − 1)·d + 1 per axis. */
function extent(g: Conv3DGeometry): Vec3 {
  return [0, 1, 2].map((a) => (g.outDims[a] - 1) * g.strides[a] + (g.kernel[a] - 1) * g.dilations[a] + 1) as Vec3;
}

/**
 * Copies `src` [N, D, H, W, C] into `dst` [N, PD, PH, PW, C] (zeroed first) at offset `at` per axis,
 * with source voxel i landing at i·step + at (step > 1 dilates: used for strided input gradients).
 * Voxels that land outside `dst` are dropped.
 */
function placeVolume(src: Float32Array, dims: Vec3, c: number, n: number, dst: Float32Array, pdims: Vec3, at: Vec3, step: Vec3 = [1, 1, 1]): void {
  dst.fill(0);
  const [D, H, W] = dims;
  const [PD, PH, PW] = pdims;
  const contiguous = step[2] === 1;
  for (let b = 0; b < n; b++)
    for (let d = 0; d < D; d++) {
      const pd = d * step[0] + at[0];
      if (pd < 0 || pd >= PD) continue;
      for (let h = 0; h < H; h++) {
        const ph = h * step[1] + at[1];
        if (ph < 0 || ph >= PH) continue;
        const srcRow = ((b * D + d) * H + h) * W * c;
        const dstRow = ((b * PD + pd) * PH + ph) * PW * c;
        // Width range whose target lies inside the padded row.
        const w0 = Math.max(0, Math.ceil(-at[2] / step[2]));
        const w1 = Math.min(W, Math.floor((PW - 1 - at[2]) / step[2]) + 1);
        if (w1 <= w0) continue;
        if (contiguous) dst.set(src.subarray(srcRow + w0 * c, srcRow + w1 * c), dstRow + (w0 + at[2]) * c);
        else for (let w = w0; w < w1; w++) dst.set(src.subarray(srcRow + w * c, srcRow + (w + 1) * c), dstRow + (w * step[2] + at[2]) * c);
      }
    }
}

/** Copies rows of `c` values out of rows of `cp` ≥ c values (drops the channel padding). */
function compactChannels(src: Float32Array, rows: number, cp: number, c: number): Float32Array {
  if (cp === c) return src.slice();
  const out = new Float32Array(rows * c);
  for (let r = 0; r < rows; r++) for (let i = 0; i < c; i++) out[r * c + i] = src[r * cp + i];
  return out;
}

/** Writes `src` rows of `c` values into `dst` rows of `cp` values (padding zeroed). */
function padChannels(src: ArrayLike<number>, rows: number, c: number, cp: number, dst: Float32Array): void {
  if (cp === c) {
    dst.set(src as Float32Array);
    return;
  }
  dst.fill(0);
  for (let r = 0; r < rows; r++) for (let i = 0; i < c; i++) dst[r * cp + i] = src[r * c + i];
}

/** Places x (padded as the geometry says, or as is when no padding is needed); returns its pointer and dims. */
function placeInput(rt: WasmRuntime, x: Float32Array, g: Conv3DGeometry): { ptr: number; dims: Vec3 } {
  const ext = extent(g);
  const padded = g.pads.some((p) => p > 0) || ext.some((e, a) => e > g.inDims[a]);
  const dims: Vec3 = padded ? ext : g.inDims;
  const n = g.batch * dims[0] * dims[1] * dims[2] * g.inChannels;
  const ptr = rt.alloc(n);
  const view = rt.f32(ptr, n);
  if (padded) placeVolume(x, g.inDims, g.inChannels, g.batch, view, dims, [g.pads[0], g.pads[1], g.pads[2]]);
  else view.set(x);
  return { ptr, dims };
}

interface ValidConv {
  x: number;
  xDims: Vec3;
  ci: number;
  w: number;
  y: number;
  outDims: Vec3;
  cop: number;
  kernel: Vec3;
  strides: Vec3;
  dilations: Vec3;
  batch: number;
}

/** Runs the forward kernel on tensors already laid out. Width taps merge with channels when dilation is 1. */
function runForward(rt: WasmRuntime, c: ValidConv): void {
  const merge = c.dilations[2] === 1;
  const kwl = merge ? 1 : c.kernel[2];
  const l = merge ? c.kernel[2] * c.ci : c.ci;
  const p = rt.params([
    c.x, c.w, c.y, c.batch, c.xDims[0], c.xDims[1], c.xDims[2], c.ci,
    c.outDims[0], c.outDims[1], c.outDims[2], c.cop, c.kernel[0], c.kernel[1], kwl, l,
    c.strides[0], c.strides[1], c.strides[2], c.dilations[0], c.dilations[1], c.dilations[2],
  ]);
  rt.run('convForward', p, c.batch * c.outDims[0] * c.outDims[1]);
}

/** y = conv3d(x, filter) for any geometry tfjs accepts (strides, dilations, valid/same padding). */
export function conv3dWasm(rt: WasmRuntime, x: Float32Array, filter: Float32Array, g: Conv3DGeometry): Float32Array {
  rt.reset();
  const cop = up4(g.outChannels);
  const taps = g.kernel[0] * g.kernel[1] * g.kernel[2];
  const xin = placeInput(rt, x, g);
  const w = rt.alloc(taps * g.inChannels * cop);
  padChannels(filter, taps * g.inChannels, g.outChannels, cop, rt.f32(w, taps * g.inChannels * cop));
  const outRows = g.batch * g.outDims[0] * g.outDims[1] * g.outDims[2];
  const y = rt.alloc(outRows * cop);
  runForward(rt, { x: xin.ptr, xDims: xin.dims, ci: g.inChannels, w, y, outDims: g.outDims, cop, kernel: g.kernel, strides: g.strides, dilations: g.dilations, batch: g.batch });
  return compactChannels(rt.f32(y, outRows * cop), outRows, cop, g.outChannels);
}

/**
 * dx = Conv3DBackpropInputV2(dy, filter): a stride-1 valid conv of dy — dilated by the stride and padded
 * by K − 1 − pad — with the filter flipped in space and its channel axes swapped. Dilation must be 1.
 */
export function conv3dBackpropInputWasm(rt: WasmRuntime, dy: Float32Array, filter: Float32Array, g: Conv3DGeometry): Float32Array {
  if (g.dilations.some((d) => d !== 1)) throw new Error('conv3d input gradient: dilations must be 1 (as in tfjs)');
  rt.reset();
  const [KD, KH, KW] = g.kernel;
  const ci = g.inChannels;
  const co = g.outChannels;
  const cip = up4(ci);
  const pdims: Vec3 = [g.inDims[0] + KD - 1, g.inDims[1] + KH - 1, g.inDims[2] + KW - 1];
  const nd = g.batch * pdims[0] * pdims[1] * pdims[2] * co;
  const dyp = rt.alloc(nd);
  const at: Vec3 = [KD - 1 - g.pads[0], KH - 1 - g.pads[1], KW - 1 - g.pads[2]];
  placeVolume(dy, g.outDims, co, g.batch, rt.f32(dyp, nd), pdims, at, g.strides);
  // wT[kd', kh', kw', co, ci] = w[KD−1−kd', KH−1−kh', KW−1−kw', ci, co], ci padded to cip.
  const taps = KD * KH * KW;
  const w = rt.alloc(taps * co * cip);
  const wt = rt.f32(w, taps * co * cip);
  wt.fill(0);
  for (let t = 0; t < taps; t++) {
    const src = (taps - 1 - t) * ci * co;
    const dst = t * co * cip;
    for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) wt[dst + o * cip + i] = filter[src + i * co + o];
  }
  const outRows = g.batch * g.inDims[0] * g.inDims[1] * g.inDims[2];
  const y = rt.alloc(outRows * cip);
  runForward(rt, { x: dyp, xDims: pdims, ci: co, w, y, outDims: g.inDims, cop: cip, kernel: g.kernel, strides: [1, 1, 1], dilations: [1, 1, 1], batch: g.batch });
  return compactChannels(rt.f32(y, outRows * cip), outRows, cip, ci);
}

/** dw = Conv3DBackpropFilterV2(x, dy): [KD, KH, KW, Ci, Co]. */
export function conv3dBackpropFilterWasm(rt: WasmRuntime, x: Float32Array, dy: Float32Array, g: Conv3DGeometry): Float32Array {
  rt.reset();
  const co = g.outChannels;
  const cop = up4(co);
  const ci = g.inChannels;
  const xin = placeInput(rt, x, g);
  const outRows = g.batch * g.outDims[0] * g.outDims[1] * g.outDims[2];
  const dyp = rt.alloc(outRows * cop);
  padChannels(dy, outRows, co, cop, rt.f32(dyp, outRows * cop));
  const taps = g.kernel[0] * g.kernel[1] * g.kernel[2];
  const dw = rt.alloc(taps * ci * cop);
  const p = rt.params([
    xin.ptr, dyp, dw, g.batch, xin.dims[0], xin.dims[1], xin.dims[2], ci,
    g.outDims[0], g.outDims[1], g.outDims[2], cop, g.kernel[0], g.kernel[1], g.kernel[2], 0,
    g.strides[0], g.strides[1], g.strides[2], g.dilations[0], g.dilations[1], g.dilations[2],
  ]);
  rt.run('convBackpropFilter', p, taps * Math.ceil(ci / 4));
  return compactChannels(rt.f32(dw, taps * ci * cop), taps * ci, cop, co);
}
