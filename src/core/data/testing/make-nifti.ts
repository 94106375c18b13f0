/**
 * Test fixture: builds NIfTI-1/-2 files byte by byte, independently of `writeNifti`, so that the
 * reader can be tested on versions, byte orders and datatypes our writer never produces.
 */

export interface NiftiFixture {
  version?: 1 | 2;
  littleEndian?: boolean;
  datatype: number;
  bitpix: number;
  /** dim[1..]; dim[0] is the length. */
  dims: number[];
  pixdim?: number[];
  qfac?: number;
  values: ArrayLike<number> | bigint[];
  slope?: number;
  inter?: number;
  qformCode?: number;
  quatern?: [number, number, number];
  qoffset?: [number, number, number];
  sformCode?: number;
  /** 12 numbers: srow_x, srow_y, srow_z. */
  srow?: number[];
  intentCode?: number;
  magic?: string;
  /** Stored in dim[0] instead of the length of `dims`. */
  dim0?: number;
  /** Stored in bitpix instead of `bitpix` (which still sizes the voxels written). */
  bitpixField?: number;
  /** Stored in vox_offset instead of where the voxels really start. */
  voxOffsetField?: number;
  xyztUnits?: number;
  /** Header extensions (ecode, content): written after the header, with the extension flag set. */
  extensions?: { code: number; content: Uint8Array }[];
}

function setter(view: DataView, le: boolean, v: 1 | 2) {
  return {
    i8: (at: number, x: number) => view.setInt8(at, x),
    i16: (at: number, x: number) => view.setInt16(at, x, le),
    i32: (at: number, x: number) => view.setInt32(at, x, le),
    i64: (at: number, x: number) => view.setBigInt64(at, BigInt(x), le),
    f: (at: number, x: number) => (v === 1 ? view.setFloat32(at, x, le) : view.setFloat64(at, x, le)),
    str: (at: number, s: string) => [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0))),
  };
}

function writeValue(view: DataView, at: number, datatype: number, x: number | bigint, le: boolean): void {
  switch (datatype) {
    case 2: return view.setUint8(at, Number(x));
    case 256: return view.setInt8(at, Number(x));
    case 4: return view.setInt16(at, Number(x), le);
    case 512: return view.setUint16(at, Number(x), le);
    case 8: return view.setInt32(at, Number(x), le);
    case 768: return view.setUint32(at, Number(x), le);
    case 16: return view.setFloat32(at, Number(x), le);
    case 64: return view.setFloat64(at, Number(x), le);
    case 1024: return view.setBigInt64(at, BigInt(x), le);
    case 1280: return view.setBigUint64(at, BigInt(x), le);
    default: return view.setUint8(at, Number(x));
  }
}

function header1(s: ReturnType<typeof setter>, f: NiftiFixture, dim: number[], pix: number[], offset: number): void {
  s.i32(0, 348);
  dim.forEach((d, i) => s.i16(40 + 2 * i, d));
  s.i16(68, f.intentCode ?? 0);
  s.i16(70, f.datatype);
  s.i16(72, f.bitpixField ?? f.bitpix);
  pix.forEach((p, i) => s.f(76 + 4 * i, p));
  s.f(108, f.voxOffsetField ?? offset);
  s.f(112, f.slope ?? 1);
  s.f(116, f.inter ?? 0);
  s.i8(123, f.xyztUnits ?? 0);
  s.i16(252, f.qformCode ?? 0);
  s.i16(254, f.sformCode ?? 0);
  (f.quatern ?? [0, 0, 0]).forEach((q, i) => s.f(256 + 4 * i, q));
  (f.qoffset ?? [0, 0, 0]).forEach((q, i) => s.f(268 + 4 * i, q));
  (f.srow ?? new Array(12).fill(0)).forEach((q, i) => s.f(280 + 4 * i, q));
  s.str(344, f.magic ?? 'n+1\0');
}

function header2(s: ReturnType<typeof setter>, f: NiftiFixture, dim: number[], pix: number[], offset: number): void {
  s.i32(0, 540);
  s.str(4, f.magic ?? 'n+2\0\r\n\x1a\n');
  s.i16(12, f.datatype);
  s.i16(14, f.bitpixField ?? f.bitpix);
  dim.forEach((d, i) => s.i64(16 + 8 * i, d));
  pix.forEach((p, i) => s.f(104 + 8 * i, p));
  s.i64(168, f.voxOffsetField ?? offset);
  s.f(176, f.slope ?? 1);
  s.f(184, f.inter ?? 0);
  s.i32(344, f.qformCode ?? 0);
  s.i32(348, f.sformCode ?? 0);
  (f.quatern ?? [0, 0, 0]).forEach((q, i) => s.f(352 + 8 * i, q));
  (f.qoffset ?? [0, 0, 0]).forEach((q, i) => s.f(376 + 8 * i, q));
  (f.srow ?? new Array(12).fill(0)).forEach((q, i) => s.f(400 + 8 * i, q));
  s.i32(500, f.xyztUnits ?? 0);
  s.i32(504, f.intentCode ?? 0);
}

export function makeNifti(f: NiftiFixture): Uint8Array {
  const v = f.version ?? 1;
  const le = f.littleEndian ?? true;
  const headerEnd = v === 1 ? 352 : 544;
  // Each extension: esize (a multiple of 16, including its 8-byte head), ecode, content.
  const ext = (f.extensions ?? []).map((e) => ({ ...e, size: Math.ceil((e.content.length + 8) / 16) * 16 }));
  const offset = headerEnd + ext.reduce((a, e) => a + e.size, 0);
  const bytesPer = f.bitpix / 8;
  const n = f.values.length;
  const buf = new ArrayBuffer(offset + n * bytesPer);
  const view = new DataView(buf);
  const s = setter(view, le, v);
  let at = headerEnd;
  if (ext.length) view.setUint8(headerEnd - 4, 1);
  for (const e of ext) {
    s.i32(at, e.size);
    s.i32(at + 4, e.code);
    new Uint8Array(buf, at + 8, e.content.length).set(e.content);
    at += e.size;
  }
  const dim = [f.dim0 ?? f.dims.length, ...f.dims];
  while (dim.length < 8) dim.push(1);
  const pix = [f.qfac ?? 1, ...(f.pixdim ?? f.dims.map(() => 1))];
  while (pix.length < 8) pix.push(1);
  if (v === 1) header1(s, f, dim, pix, offset);
  else header2(s, f, dim, pix, offset);
  for (let i = 0; i < n; i++) writeValue(view, offset + i * bytesPer, f.datatype, f.values[i], le);
  return new Uint8Array(buf);
}
