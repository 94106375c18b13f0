// AssemblyScript source of the WebAssembly SIMD conv3d kernels (NDHWC, float32). Built by
// scripts/build-wasm.mjs twice: with SIMD only (multiply, then add) and with relaxed SIMD (fused
// multiply-add where the processor has it). Memory is imported (shared between threads); the host lays
// out the tensors and a parameter block of i32s, then calls a kernel on a range of work units, so any
// number of threads can split one call. Every kernel computes a *valid* convolution: the host pads the
// input (and for the input gradient dilates dy) beforehand. Channel counts of the vectorised axis are
// padded to a multiple of 4 (CoP) by the host; the reduced axes may be any size.

// Parameter block (i32 slots). Forward: x, w, y; backprop-filter: x, dy, dw.
const P_A = 0;
const P_B = 1;
const P_C = 2;
const P_D = 4;
const P_H = 5;
const P_W = 6;
const P_CI = 7;
const P_OD = 8;
const P_OH = 9;
const P_OW = 10;
const P_COP = 11;
const P_KD = 12;
const P_KH = 13;
const P_KW = 14;
const P_L = 15;
const P_SD = 16;
const P_SH = 17;
const P_SW = 18;
const P_DD = 19;
const P_DH = 20;
const P_DW = 21;

@inline function prm(p: i32, slot: i32): i32 {
  return load<i32>(<usize>(p + (slot << 2)));
}

@inline function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

@inline function splat(p: i32): v128 {
  return v128.load32_splat(<usize>p);
}

@inline function ld(p: i32): v128 {
  return v128.load(<usize>p);
}

@inline function st(p: i32, v: v128): void {
  v128.store(<usize>p, v);
}

// Geometry of the running forward call (instance globals: each thread has its own instance).
let gKD = 0;
let gKH = 0;
let gKWL = 0;
let gL = 0;
let gXkd = 0; // byte step of x per kd
let gXkh = 0; // per kh
let gXkw = 0; // per kw iteration
let gWtap = 0; // byte step of w per (kd, kh, kw-iteration)
let gWi = 0; // byte step of w per inner index

/** 4 output voxels (x stride xs bytes, y stride ys bytes) × 8 output channels. */
function fwd4x8(x0: i32, xs: i32, w0: i32, y0: i32, ys: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
  const KD = gKD, KH = gKH, KWL = gKWL, L = gL, wi = gWi;
  const xs2 = xs * 2, xs3 = xs * 3;
  let wt = w0;
  for (let kd = 0; kd < KD; kd++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KWL; kw++) {
        let xp = x0 + kd * gXkd + kh * gXkh + kw * gXkw;
        let wp = wt;
        for (let i = 0; i < L; i++) {
          const u = ld(wp), v = ld(wp + 16);
          let s = splat(xp);
          a0 = fma(s, u, a0); a1 = fma(s, v, a1);
          s = splat(xp + xs);
          a2 = fma(s, u, a2); a3 = fma(s, v, a3);
          s = splat(xp + xs2);
          a4 = fma(s, u, a4); a5 = fma(s, v, a5);
          s = splat(xp + xs3);
          a6 = fma(s, u, a6); a7 = fma(s, v, a7);
          xp += 4;
          wp += wi;
        }
        wt += gWtap;
      }
    }
  }
  st(y0, a0); st(y0 + 16, a1);
  st(y0 + ys, a2); st(y0 + ys + 16, a3);
  st(y0 + 2 * ys, a4); st(y0 + 2 * ys + 16, a5);
  st(y0 + 3 * ys, a6); st(y0 + 3 * ys + 16, a7);
}

/** 4 output voxels × 4 output channels. */
function fwd4x4(x0: i32, xs: i32, w0: i32, y0: i32, ys: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  const KD = gKD, KH = gKH, KWL = gKWL, L = gL, wi = gWi;
  const xs2 = xs * 2, xs3 = xs * 3;
  let wt = w0;
  for (let kd = 0; kd < KD; kd++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KWL; kw++) {
        let xp = x0 + kd * gXkd + kh * gXkh + kw * gXkw;
        let wp = wt;
        for (let i = 0; i < L; i++) {
          const u = ld(wp);
          a0 = fma(splat(xp), u, a0);
          a1 = fma(splat(xp + xs), u, a1);
          a2 = fma(splat(xp + xs2), u, a2);
          a3 = fma(splat(xp + xs3), u, a3);
          xp += 4;
          wp += wi;
        }
        wt += gWtap;
      }
    }
  }
  st(y0, a0); st(y0 + ys, a1); st(y0 + 2 * ys, a2); st(y0 + 3 * ys, a3);
}

/** 1 output voxel × 8 output channels. */
function fwd1x8(x0: i32, w0: i32, y0: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
  const KD = gKD, KH = gKH, KWL = gKWL, L = gL, wi = gWi;
  let wt = w0;
  for (let kd = 0; kd < KD; kd++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KWL; kw++) {
        let xp = x0 + kd * gXkd + kh * gXkh + kw * gXkw;
        let wp = wt;
        for (let i = 0; i < L; i++) {
          const s = splat(xp);
          a0 = fma(s, ld(wp), a0);
          a1 = fma(s, ld(wp + 16), a1);
          xp += 4;
          wp += wi;
        }
        wt += gWtap;
      }
    }
  }
  st(y0, a0); st(y0 + 16, a1);
}

/** 1 output voxel × 4 output channels. */
function fwd1x4(x0: i32, w0: i32, y0: i32): void {
  let a0 = f32x4.splat(0);
  const KD = gKD, KH = gKH, KWL = gKWL, L = gL, wi = gWi;
  let wt = w0;
  for (let kd = 0; kd < KD; kd++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KWL; kw++) {
        let xp = x0 + kd * gXkd + kh * gXkh + kw * gXkw;
        let wp = wt;
        for (let i = 0; i < L; i++) {
          a0 = fma(splat(xp), ld(wp), a0);
          xp += 4;
          wp += wi;
        }
        wt += gWtap;
      }
    }
  }
  st(y0, a0);
}

/**
 * Valid conv3d on rows [start, end) of the output, a row being (n, od, oh).
 * x [N, D, H, W, Ci] (already padded), w [KD, KH, KWL, L, CoP], y [N, OD, OH, OW, CoP].
 * When the filter's width taps are contiguous in x (dilation 1) the host merges them with the
 * channels: KWL = 1, L = KW·Ci; otherwise KWL = KW, L = Ci and P_DW is the width dilation.
 */
export function convForward(p: i32, start: i32, end: i32): void {
  const xPtr = prm(p, P_A), wPtr = prm(p, P_B), yPtr = prm(p, P_C);
  const D = prm(p, P_D), H = prm(p, P_H), W = prm(p, P_W), Ci = prm(p, P_CI);
  const OD = prm(p, P_OD), OH = prm(p, P_OH), OW = prm(p, P_OW), CoP = prm(p, P_COP);
  const sd = prm(p, P_SD), sh = prm(p, P_SH), sw = prm(p, P_SW);
  gKD = prm(p, P_KD); gKH = prm(p, P_KH); gKWL = prm(p, P_KW); gL = prm(p, P_L);
  gXkd = prm(p, P_DD) * H * W * Ci * 4;
  gXkh = prm(p, P_DH) * W * Ci * 4;
  gXkw = prm(p, P_DW) * Ci * 4;
  gWi = CoP * 4;
  gWtap = gL * CoP * 4;
  const xs = sw * Ci * 4;
  const ys = CoP * 4;
  for (let r = start; r < end; r++) {
    const oh = r % OH;
    const t = r / OH;
    const od = t % OD;
    const n = t / OD;
    const xRow = xPtr + ((n * D + od * sd) * H + oh * sh) * W * Ci * 4;
    const yRow = yPtr + ((n * OD + od) * OH + oh) * OW * ys;
    let ow = 0;
    for (; ow + 4 <= OW; ow += 4) {
      const x0 = xRow + ow * xs;
      const y0 = yRow + ow * ys;
      let co = 0;
      for (; co + 8 <= CoP; co += 8) fwd4x8(x0, xs, wPtr + co * 4, y0 + co * 4, ys);
      if (co < CoP) fwd4x4(x0, xs, wPtr + co * 4, y0 + co * 4, ys);
    }
    for (; ow < OW; ow++) {
      const x0 = xRow + ow * xs;
      const y0 = yRow + ow * ys;
      let co = 0;
      for (; co + 8 <= CoP; co += 8) fwd1x8(x0, wPtr + co * 4, y0 + co * 4);
      if (co < CoP) fwd1x4(x0, wPtr + co * 4, y0 + co * 4);
    }
  }
}

// Filter gradient: dw[kd, kh, kw, ci, co] = Σ over (n, od, oh, ow) of x[n, od·sd + kd·dd, …, ci] · dy[n, od, oh, ow, co].

/** Adds one output row (OW voxels) into a block of 4 input channels × 8 output channels of dw. */
function bwf4x8(x0: i32, xs: i32, dy0: i32, ds: i32, ow: i32, dw0: i32, dws: i32): void {
  let a0 = ld(dw0), a1 = ld(dw0 + 16), a2 = ld(dw0 + dws), a3 = ld(dw0 + dws + 16);
  let a4 = ld(dw0 + 2 * dws), a5 = ld(dw0 + 2 * dws + 16), a6 = ld(dw0 + 3 * dws), a7 = ld(dw0 + 3 * dws + 16);
  let xp = x0, dp = dy0;
  for (let i = 0; i < ow; i++) {
    const u = ld(dp), v = ld(dp + 16);
    let s = splat(xp);
    a0 = fma(s, u, a0); a1 = fma(s, v, a1);
    s = splat(xp + 4);
    a2 = fma(s, u, a2); a3 = fma(s, v, a3);
    s = splat(xp + 8);
    a4 = fma(s, u, a4); a5 = fma(s, v, a5);
    s = splat(xp + 12);
    a6 = fma(s, u, a6); a7 = fma(s, v, a7);
    xp += xs;
    dp += ds;
  }
  st(dw0, a0); st(dw0 + 16, a1); st(dw0 + dws, a2); st(dw0 + dws + 16, a3);
  st(dw0 + 2 * dws, a4); st(dw0 + 2 * dws + 16, a5); st(dw0 + 3 * dws, a6); st(dw0 + 3 * dws + 16, a7);
}

/** 4 input channels × 4 output channels. */
function bwf4x4(x0: i32, xs: i32, dy0: i32, ds: i32, ow: i32, dw0: i32, dws: i32): void {
  let a0 = ld(dw0), a1 = ld(dw0 + dws), a2 = ld(dw0 + 2 * dws), a3 = ld(dw0 + 3 * dws);
  let xp = x0, dp = dy0;
  for (let i = 0; i < ow; i++) {
    const u = ld(dp);
    a0 = fma(splat(xp), u, a0);
    a1 = fma(splat(xp + 4), u, a1);
    a2 = fma(splat(xp + 8), u, a2);
    a3 = fma(splat(xp + 12), u, a3);
    xp += xs;
    dp += ds;
  }
  st(dw0, a0); st(dw0 + dws, a1); st(dw0 + 2 * dws, a2); st(dw0 + 3 * dws, a3);
}

/** 1 input channel × 8 output channels. */
function bwf1x8(x0: i32, xs: i32, dy0: i32, ds: i32, ow: i32, dw0: i32): void {
  let a0 = ld(dw0), a1 = ld(dw0 + 16);
  let xp = x0, dp = dy0;
  for (let i = 0; i < ow; i++) {
    const s = splat(xp);
    a0 = fma(s, ld(dp), a0);
    a1 = fma(s, ld(dp + 16), a1);
    xp += xs;
    dp += ds;
  }
  st(dw0, a0); st(dw0 + 16, a1);
}

/** 1 input channel × 4 output channels. */
function bwf1x4(x0: i32, xs: i32, dy0: i32, ds: i32, ow: i32, dw0: i32): void {
  let a0 = ld(dw0);
  let xp = x0, dp = dy0;
  for (let i = 0; i < ow; i++) {
    a0 = fma(splat(xp), ld(dp), a0);
    xp += xs;
    dp += ds;
  }
  st(dw0, a0);
}

/**
 * Filter gradient on work units [start, end): a unit is (tap, block of ≤ 4 input channels), so threads
 * own disjoint parts of dw [KD, KH, KW, Ci, CoP] and need no reduction. x [N, D, H, W, Ci] (padded),
 * dy [N, OD, OH, OW, CoP]. Rows of dy are the outer loop, so each row is read once per call while it is
 * in cache, for all the units.
 */
export function convBackpropFilter(p: i32, start: i32, end: i32): void {
  const xPtr = prm(p, P_A), dyPtr = prm(p, P_B), dwPtr = prm(p, P_C);
  const D = prm(p, P_D), H = prm(p, P_H), W = prm(p, P_W), Ci = prm(p, P_CI);
  const OD = prm(p, P_OD), OH = prm(p, P_OH), OW = prm(p, P_OW), CoP = prm(p, P_COP);
  const KH = prm(p, P_KH), KW = prm(p, P_KW);
  const sd = prm(p, P_SD), sh = prm(p, P_SH), sw = prm(p, P_SW);
  const dd = prm(p, P_DD), dh = prm(p, P_DH), dwl = prm(p, P_DW);
  const N = prm(p, 3);
  const ciBlocks = (Ci + 3) >> 2;
  const dws = CoP * 4; // dw byte stride per input channel
  const ds = CoP * 4; // dy byte stride per voxel
  const xs = sw * Ci * 4; // x byte stride per output voxel
  // Zero the units this call owns.
  for (let u = start; u < end; u++) {
    const tap = u / ciBlocks;
    const c0 = (u % ciBlocks) << 2;
    const nc = min(4, Ci - c0);
    memory.fill(<usize>(dwPtr + (tap * Ci + c0) * dws), 0, <usize>(nc * dws));
  }
  const rows = N * OD * OH;
  for (let r = 0; r < rows; r++) {
    const oh = r % OH;
    const t = r / OH;
    const od = t % OD;
    const n = t / OD;
    const dyRow = dyPtr + ((n * OD + od) * OH + oh) * OW * ds;
    for (let u = start; u < end; u++) {
      const tap = u / ciBlocks;
      const c0 = (u % ciBlocks) << 2;
      const nc = min(4, Ci - c0);
      const kw = tap % KW;
      const kh = (tap / KW) % KH;
      const kd = tap / (KW * KH);
      const x0 = xPtr + (((n * D + od * sd + kd * dd) * H + oh * sh + kh * dh) * W + kw * dwl) * Ci * 4 + c0 * 4;
      const dw0 = dwPtr + (tap * Ci + c0) * dws;
      let co = 0;
      if (nc == 4) {
        for (; co + 8 <= CoP; co += 8) bwf4x8(x0, xs, dyRow + co * 4, ds, OW, dw0 + co * 4, dws);
        if (co < CoP) bwf4x4(x0, xs, dyRow + co * 4, ds, OW, dw0 + co * 4, dws);
      } else {
        for (let c = 0; c < nc; c++) {
          co = 0;
          for (; co + 8 <= CoP; co += 8) bwf1x8(x0 + c * 4, xs, dyRow + co * 4, ds, OW, dw0 + c * dws + co * 4);
          if (co < CoP) bwf1x4(x0 + c * 4, xs, dyRow + co * 4, ds, OW, dw0 + c * dws + co * 4);
        }
      }
    }
  }
}
