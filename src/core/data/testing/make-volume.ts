/** Test helper: small volumes with a chosen grid, and header + bytes files built by hand. */
import type { Vec3, Volume, VoxelArray } from '../volume';
import { spacingFromAffine } from '../volume';

/** Rotation about z by `degZ` then about x by `degX`, times diag(spacing), plus `origin`: an oblique RAS affine. */
export function obliqueAffine(spacing: Vec3, origin: Vec3, degZ: number, degX: number, flip: Vec3 = [1, 1, 1]): Float64Array {
  const rad = Math.PI / 180;
  const [c, s, cx, sx] = [Math.cos(degZ * rad), Math.sin(degZ * rad), Math.cos(degX * rad), Math.sin(degX * rad)];
  const rz = [[c, -s, 0], [s, c, 0], [0, 0, 1]];
  const rx = [[1, 0, 0], [0, cx, -sx], [0, sx, cx]];
  const r = rx.map((row) => [0, 1, 2].map((col) => row[0] * rz[0][col] + row[1] * rz[1][col] + row[2] * rz[2][col]));
  const m = new Float64Array(16);
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) m[row * 4 + col] = r[row][col] * spacing[col] * flip[col] + 0; // no −0
    m[row * 4 + 3] = origin[row];
  }
  m[15] = 1;
  return m;
}

/** A volume of `dims` whose voxel i holds `value(i)` in an array of `Type`. */
export function makeVolume<T extends VoxelArray>(
  dims: Vec3,
  affine: Float64Array,
  make: (n: number) => T,
  value: (i: number) => number,
  extra: Partial<Volume> = {},
): Volume & { data: T } {
  const n = dims[0] * dims[1] * dims[2];
  const data = make(n);
  for (let i = 0; i < n; i++) data[i] = value(i);
  return { name: 'test', dims, spacing: spacingFromAffine(affine), affine, data, scale: { slope: 1, inter: 0 }, ...extra } as Volume & { data: T };
}

/** Header text (lines joined with "\n") followed by bytes. */
export function textThenBytes(lines: string[], bytes: Uint8Array = new Uint8Array(0), sep = '\n'): Uint8Array {
  const head = new TextEncoder().encode(lines.join(sep));
  const out = new Uint8Array(head.length + bytes.length);
  out.set(head, 0);
  out.set(bytes, head.length);
  return out;
}

/** Little-endian bytes of an int16 array. */
export function int16Bytes(values: number[], little = true): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setInt16(i * 2, x, little));
  return out;
}
