/**
 * A plain TypeScript FFT: the reference for the WebGPU FFT and the CPU path of FFT morphology.
 *
 * Mixed radix (Cooley–Tukey, decimation in time) for lengths whose prime factors are 2, 3 and 5
 * ("5-smooth" sizes: 512, 540, 576, 600, 640, …); `goodFftSize(n)` gives the smallest such length ≥ n,
 * so any volume size is padded by at most a few percent instead of up to 2× for powers of two.
 * Other factors work too (a direct DFT of that factor), only slower.
 *
 * Layout of a 3-D transform: separate real and imaginary Float32Arrays, `re[x + nx * (y + ny * z)]`
 * (x fastest, as the Volume type and NDHWC `[1, nz, ny, nx, 1]`).
 */

/** The smallest n' ≥ n whose prime factors are all 2, 3 or 5. */
export function goodFftSize(n: number): number {
  for (let m = Math.max(1, n); ; m++) {
    let r = m;
    for (const p of [2, 3, 5]) while (r % p === 0) r /= p;
    if (r === 1) return m;
  }
}

function factorize(n: number): number[] {
  const f: number[] = [];
  let r = n;
  for (const p of [4, 2, 3, 5]) while (r % p === 0) { f.push(p); r /= p; }
  for (let p = 7; r > 1; p += 2) while (r % p === 0) { f.push(p); r /= p; }
  return f;
}

/** A precomputed plan for 1-D transforms of length n: factors, twiddles, scratch. */
export class FftPlan {
  readonly factors: number[];
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  private readonly tRe: Float64Array;
  private readonly tIm: Float64Array;
  private readonly sRe: Float64Array;
  private readonly sIm: Float64Array;

  constructor(readonly n: number) {
    this.factors = factorize(n);
    this.cos = new Float64Array(n);
    this.sin = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      this.cos[j] = Math.cos((2 * Math.PI * j) / n);
      this.sin[j] = Math.sin((2 * Math.PI * j) / n);
    }
    this.tRe = new Float64Array(n);
    this.tIm = new Float64Array(n);
    const pmax = Math.max(1, ...this.factors);
    this.sRe = new Float64Array(pmax);
    this.sIm = new Float64Array(pmax);
  }

  /**
   * In-place transform of one line (re/im of length n, Float64). `inverse` uses e^{+2πi/n} and divides by n.
   */
  transform(re: Float64Array, im: Float64Array, inverse = false): void {
    const n = this.n;
    if (n === 1) return;
    this.rec(re, im, 0, 1, n, this.tRe, this.tIm, 0, 0, inverse ? 1 : -1);
    re.set(this.tRe);
    im.set(this.tIm);
    if (inverse) for (let i = 0; i < n; i++) { re[i] /= n; im[i] /= n; }
  }

  /** out[outOff .. outOff+len) = DFT of in[inOff + k*stride], k < len. */
  private rec(inRe: Float64Array, inIm: Float64Array, inOff: number, stride: number, len: number,
    outRe: Float64Array, outIm: Float64Array, outOff: number, fi: number, sign: number): void {
    if (len === 1) { outRe[outOff] = inRe[inOff]; outIm[outOff] = inIm[inOff]; return; }
    const p = this.factors[fi];
    const m = len / p;
    for (let q = 0; q < p; q++) this.rec(inRe, inIm, inOff + q * stride, stride * p, m, outRe, outIm, outOff + q * m, fi + 1, sign);
    // Combine p sub-transforms of length m: X[k + s*m] = Σ_q W_len^{q(k + s m)} Y_q[k].
    const tw = this.n / len; // W_len^j = W_n^{j * tw}
    const n = this.n;
    const sRe = this.sRe, sIm = this.sIm;
    for (let k = 0; k < m; k++) {
      for (let q = 0; q < p; q++) {
        const idx = outOff + q * m + k;
        const j = (q * k * tw) % n;
        const c = this.cos[j], s = sign * this.sin[j];
        const a = outRe[idx], b = outIm[idx];
        sRe[q] = a * c - b * s;
        sIm[q] = a * s + b * c;
      }
      if (p === 2) {
        const i0 = outOff + k, i1 = i0 + m;
        outRe[i0] = sRe[0] + sRe[1]; outIm[i0] = sIm[0] + sIm[1];
        outRe[i1] = sRe[0] - sRe[1]; outIm[i1] = sIm[0] - sIm[1];
        continue;
      }
      const step = n / p; // W_p^{qs} = W_n^{q s step}
      for (let s = 0; s < p; s++) {
        let accRe = 0, accIm = 0;
        for (let q = 0; q < p; q++) {
          const j = (q * s * step) % n;
          const c = this.cos[j], si = sign * this.sin[j];
          accRe += sRe[q] * c - sIm[q] * si;
          accIm += sRe[q] * si + sIm[q] * c;
        }
        outRe[outOff + k + s * m] = accRe;
        outIm[outOff + k + s * m] = accIm;
      }
    }
  }
}

/** The direct O(n²) DFT, for tests of the FFT itself. */
export function dftReference(re: ArrayLike<number>, im: ArrayLike<number>, inverse = false): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const oRe = new Float64Array(n), oIm = new Float64Array(n);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    let a = 0, b = 0;
    for (let j = 0; j < n; j++) {
      const t = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      a += re[j] * Math.cos(t) - im[j] * Math.sin(t);
      b += re[j] * Math.sin(t) + im[j] * Math.cos(t);
    }
    oRe[k] = inverse ? a / n : a;
    oIm[k] = inverse ? b / n : b;
  }
  return { re: oRe, im: oIm };
}

/**
 * In-place 3-D FFT of a complex volume [nx, ny, nz] (x fastest), along each axis in turn.
 * `onLine` (optional) is called every few thousand lines, for progress and cancellation.
 */
export function fft3d(re: Float32Array, im: Float32Array, dims: [number, number, number], inverse = false, onLines?: (done: number, total: number) => void): void {
  const [nx, ny, nz] = dims;
  const total = ny * nz + nx * nz + nx * ny;
  let done = 0;
  const axis = (n: number, stride: number, starts: (emit: (o: number) => void) => void): void => {
    if (n === 1) return;
    const plan = new FftPlan(n);
    const lr = new Float64Array(n), li = new Float64Array(n);
    starts((o) => {
      for (let i = 0, p = o; i < n; i++, p += stride) { lr[i] = re[p]; li[i] = im[p]; }
      plan.transform(lr, li, inverse);
      for (let i = 0, p = o; i < n; i++, p += stride) { re[p] = lr[i]; im[p] = li[i]; }
      if (onLines && ++done % 4096 === 0) onLines(done, total);
    });
  };
  axis(nx, 1, (emit) => { for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) emit(nx * (y + ny * z)); });
  axis(ny, nx, (emit) => { for (let z = 0; z < nz; z++) for (let x = 0; x < nx; x++) emit(x + nx * ny * z); });
  axis(nz, nx * ny, (emit) => { for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) emit(x + nx * y); });
}
