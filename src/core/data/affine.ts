/**
 * 4×4 affine helpers. Every matrix is 16 numbers, row-major, mapping a column vector
 * (i, j, k, 1) of voxel indices to (x, y, z, 1) in mm (RAS+ for a `Volume`).
 */
import type { Vec3 } from './volume';

export type Mat4 = Float64Array;

export function identity4(): Mat4 {
  const m = new Float64Array(16);
  m[0] = m[5] = m[10] = m[15] = 1;
  return m;
}

/** a · b (apply b first, then a). */
export function multiply4(a: ArrayLike<number>, b: ArrayLike<number>): Mat4 {
  const out = new Float64Array(16);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r * 4 + k] * b[k * 4 + c];
      out[r * 4 + c] = s;
    }
  }
  return out;
}

/** Inverse of an affine whose last row is (0, 0, 0, 1). Throws on a singular 3×3 part. */
export function invertAffine(m: ArrayLike<number>): Mat4 {
  const [a, b, c, tx] = [m[0], m[1], m[2], m[3]];
  const [d, e, f, ty] = [m[4], m[5], m[6], m[7]];
  const [g, h, i, tz] = [m[8], m[9], m[10], m[11]];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error(`affine is singular (determinant ${det})`);
  const inv = new Float64Array(16);
  inv[0] = A / det;
  inv[1] = -(b * i - c * h) / det;
  inv[2] = (b * f - c * e) / det;
  inv[4] = B / det;
  inv[5] = (a * i - c * g) / det;
  inv[6] = -(a * f - c * d) / det;
  inv[8] = C / det;
  inv[9] = -(a * h - b * g) / det;
  inv[10] = (a * e - b * d) / det;
  for (let r = 0; r < 3; r++) {
    inv[r * 4 + 3] = -(inv[r * 4] * tx + inv[r * 4 + 1] * ty + inv[r * 4 + 2] * tz);
  }
  inv[15] = 1;
  return inv;
}

/** World position (mm) of voxel index (i, j, k); indices may be fractional. */
export function applyAffine(m: ArrayLike<number>, i: number, j: number, k: number): Vec3 {
  return [
    m[0] * i + m[1] * j + m[2] * k + m[3],
    m[4] * i + m[5] * j + m[6] * k + m[7],
    m[8] * i + m[9] * j + m[10] * k + m[11],
  ];
}

/** Determinant of the 3×3 part. Negative for a left-handed voxel grid. */
export function det3(m: ArrayLike<number>): number {
  return (
    m[0] * (m[5] * m[10] - m[6] * m[9]) - m[1] * (m[4] * m[10] - m[6] * m[8]) + m[2] * (m[4] * m[9] - m[5] * m[8])
  );
}

/** NIfTI quaternion parameters: rotation (b, c, d), offset, voxel sizes and qfac (±1). */
export interface Quatern {
  b: number;
  c: number;
  d: number;
  offset: Vec3;
  pixdim: Vec3;
  qfac: 1 | -1;
}

/** The qform affine of NIfTI method 2: R(b, c, d) · diag(dx, dy, qfac·dz) + offset. */
export function quaternToAffine(q: Quatern): Mat4 {
  const { b, c, d } = q;
  const aa = 1 - (b * b + c * c + d * d);
  // Rounding can push |(b,c,d)| just above 1; the spec says a = 0 then (a 180° rotation).
  const a = aa < 1e-7 ? 0 : Math.sqrt(aa);
  let bb = b;
  let cc = c;
  let dd = d;
  if (aa < 1e-7) {
    const n = Math.hypot(b, c, d);
    bb /= n;
    cc /= n;
    dd /= n;
  }
  const r = [
    [a * a + bb * bb - cc * cc - dd * dd, 2 * (bb * cc - a * dd), 2 * (bb * dd + a * cc)],
    [2 * (bb * cc + a * dd), a * a + cc * cc - bb * bb - dd * dd, 2 * (cc * dd - a * bb)],
    [2 * (bb * dd - a * cc), 2 * (cc * dd + a * bb), a * a + dd * dd - cc * cc - bb * bb],
  ];
  const scale: Vec3 = [q.pixdim[0], q.pixdim[1], q.qfac * q.pixdim[2]];
  const m = identity4();
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) m[row * 4 + col] = r[row][col] * scale[col];
    m[row * 4 + 3] = q.offset[row];
  }
  return m;
}

/** The nearest rotation to a 3×3 matrix (polar decomposition by Newton iteration). */
function nearestRotation(m: number[][]): number[][] {
  let x = m.map((row) => row.slice());
  for (let it = 0; it < 30; it++) {
    const inv = invertAffine([...x[0], 0, ...x[1], 0, ...x[2], 0, 0, 0, 0, 1]);
    // x ← (x + x^{-T}) / 2
    let change = 0;
    const next = x.map((row, r) =>
      row.map((v, c) => {
        const nv = 0.5 * (v + inv[c * 4 + r]);
        change = Math.max(change, Math.abs(nv - v));
        return nv;
      }),
    );
    x = next;
    if (change < 1e-12) break;
  }
  return x;
}

/**
 * Quaternion form of an affine (the inverse of `quaternToAffine`), as NIfTI writers store it in
 * the qform. Exact for affines with orthogonal columns; otherwise the nearest rotation is used.
 */
export function affineToQuatern(m: ArrayLike<number>): Quatern {
  const cols = [0, 1, 2].map((c) => [m[c], m[4 + c], m[8 + c]]);
  const pixdim = cols.map((v) => Math.hypot(v[0], v[1], v[2]) || 1) as Vec3;
  const rot = [0, 1, 2].map((r) => [0, 1, 2].map((c) => cols[c][r] / pixdim[c]));
  const qfac: 1 | -1 = det3([...rot[0], 0, ...rot[1], 0, ...rot[2], 0]) < 0 ? -1 : 1;
  if (qfac < 0) for (let r = 0; r < 3; r++) rot[r][2] = -rot[r][2];
  const R = nearestRotation(rot);
  const tr = R[0][0] + R[1][1] + R[2][2];
  let a: number, b: number, c: number, d: number;
  if (tr > 0.5) {
    a = 0.5 * Math.sqrt(1 + tr);
    b = (R[2][1] - R[1][2]) / (4 * a);
    c = (R[0][2] - R[2][0]) / (4 * a);
    d = (R[1][0] - R[0][1]) / (4 * a);
  } else if (R[0][0] >= R[1][1] && R[0][0] >= R[2][2]) {
    b = 0.5 * Math.sqrt(1 + R[0][0] - R[1][1] - R[2][2]);
    a = (R[2][1] - R[1][2]) / (4 * b);
    c = (R[0][1] + R[1][0]) / (4 * b);
    d = (R[0][2] + R[2][0]) / (4 * b);
  } else if (R[1][1] >= R[2][2]) {
    c = 0.5 * Math.sqrt(1 + R[1][1] - R[0][0] - R[2][2]);
    a = (R[0][2] - R[2][0]) / (4 * c);
    b = (R[0][1] + R[1][0]) / (4 * c);
    d = (R[1][2] + R[2][1]) / (4 * c);
  } else {
    d = 0.5 * Math.sqrt(1 + R[2][2] - R[0][0] - R[1][1]);
    a = (R[1][0] - R[0][1]) / (4 * d);
    b = (R[0][2] + R[2][0]) / (4 * d);
    c = (R[1][2] + R[2][1]) / (4 * d);
  }
  // NIfTI stores only (b, c, d) and takes a ≥ 0.
  if (a < 0) {
    b = -b;
    c = -c;
    d = -d;
  }
  return { b, c, d, offset: [m[3], m[7], m[11]], pixdim, qfac };
}
