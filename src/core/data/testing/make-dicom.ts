/**
 * Test fixture: writes small DICOM files byte by byte (explicit or implicit VR little endian,
 * explicit big endian, RLE Lossless), so the series reader can be tested on known geometry.
 */

export interface DicomFixture {
  rows: number;
  cols: number;
  /** Row-major pixel values (stored, before rescale). */
  pixels: ArrayLike<number>;
  position: [number, number, number];
  orientation?: number[];
  pixelSpacing?: [number, number];
  bitsAllocated?: 8 | 16;
  bitsStored?: number;
  signed?: boolean;
  slope?: number;
  inter?: number;
  seriesUid?: string;
  description?: string;
  transferSyntax?: string;
  sopInstanceUid?: string;
  /** NumberOfFrames (0028,0008); the pixel data still holds one frame. */
  frames?: number;
  samplesPerPixel?: number;
  /** Leave out ImagePositionPatient. */
  noPosition?: boolean;
  noPixels?: boolean;
  /** Study Instance UID (0020,000D), Frame of Reference UID (0020,0052), Patient's Name and ID. */
  studyUid?: string;
  frameOfReferenceUid?: string;
  patientName?: string;
  patientId?: string;
}

type Elem = { tag: number; vr: string; value: Uint8Array };

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN']);

function str(vr: string, s: string): Uint8Array {
  const b = new TextEncoder().encode(s);
  const pad = b.length % 2 ? 1 : 0;
  const out = new Uint8Array(b.length + pad);
  out.set(b);
  if (pad) out[b.length] = vr === 'UI' ? 0 : 0x20;
  return out;
}

function us(x: number, le: boolean): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, x, le);
  return b;
}

function encode(elems: Elem[], mode: 'explicit' | 'implicit', le: boolean): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (const e of elems.sort((a, b) => a.tag - b.tag)) {
    const long = LONG_VRS.has(e.vr);
    const undef = e.value.length === 0xffffffff;
    const head = new Uint8Array(mode === 'implicit' ? 8 : long ? 12 : 8);
    const v = new DataView(head.buffer);
    v.setUint16(0, e.tag >>> 16, le);
    v.setUint16(2, e.tag & 0xffff, le);
    if (mode === 'implicit') v.setUint32(4, e.value.length, le);
    else {
      head[4] = e.vr.charCodeAt(0);
      head[5] = e.vr.charCodeAt(1);
      if (long) v.setUint32(8, undef ? 0xffffffff : e.value.length, le);
      else v.setUint16(6, e.value.length, le);
    }
    parts.push(head, e.value);
  }
  return parts;
}

function encapsulate(frame: Uint8Array): Uint8Array {
  const even = frame.length % 2 ? frame.length + 1 : frame.length;
  const out = new Uint8Array(8 + 8 + even + 8);
  const v = new DataView(out.buffer);
  const item = (at: number, tag: number, len: number) => {
    v.setUint16(at, 0xfffe, true);
    v.setUint16(at + 2, tag, true);
    v.setUint32(at + 4, len, true);
  };
  item(0, 0xe000, 0);
  item(8, 0xe000, even);
  out.set(frame, 16);
  item(16 + even, 0xe0dd, 0);
  return out;
}

/** RLE encoder (PackBits) for tests of the decoder: little-endian words in, one frame out. */
export function encodeRle(leBytes: Uint8Array, bytesPerSample: number): Uint8Array {
  const pixels = leBytes.length / bytesPerSample;
  const segs: Uint8Array[] = [];
  for (let s = 0; s < bytesPerSample; s++) {
    const at = (i: number) => leBytes[i * bytesPerSample + (bytesPerSample - 1 - s)];
    const parts: number[] = [];
    let i = 0;
    while (i < pixels) {
      let run = 1;
      while (i + run < pixels && run < 128 && at(i + run) === at(i)) run++;
      if (run >= 3) {
        parts.push(257 - run, at(i));
        i += run;
        continue;
      }
      let lit = 1;
      while (lit < 128 && i + lit < pixels && !(i + lit + 2 < pixels && at(i + lit) === at(i + lit + 1) && at(i + lit) === at(i + lit + 2))) lit++;
      parts.push(lit - 1);
      for (let k = 0; k < lit; k++) parts.push(at(i + k));
      i += lit;
    }
    if (parts.length % 2) parts.push(0x80); // pad with a no-op
    segs.push(Uint8Array.from(parts));
  }
  const out = new Uint8Array(64 + segs.reduce((a, x) => a + x.length, 0));
  const v = new DataView(out.buffer);
  v.setUint32(0, bytesPerSample, true);
  let pos = 64;
  segs.forEach((x, k) => {
    v.setUint32(4 + 4 * k, pos, true);
    out.set(x, pos);
    pos += x.length;
  });
  return out;
}

function pixelBytes(f: DicomFixture, le: boolean): Uint8Array {
  const bpp = (f.bitsAllocated ?? 16) / 8;
  const out = new Uint8Array(f.pixels.length * bpp);
  const v = new DataView(out.buffer);
  for (let i = 0; i < f.pixels.length; i++) {
    if (bpp === 1) v.setUint8(i, f.pixels[i] & 0xff);
    else v.setUint16(2 * i, f.pixels[i] & 0xffff, le);
  }
  return out;
}

export function makeDicom(f: DicomFixture): Uint8Array {
  const ts = f.transferSyntax ?? '1.2.840.10008.1.2.1';
  const le = ts !== '1.2.840.10008.1.2.2';
  const mode = ts === '1.2.840.10008.1.2' ? 'implicit' : 'explicit';
  const bits = f.bitsAllocated ?? 16;
  const metaBody = encode([{ tag: 0x00020010, vr: 'UI', value: str('UI', ts) }, { tag: 0x00020002, vr: 'UI', value: str('UI', '1.2.840.10008.5.1.4.1.1.2') }], 'explicit', true);
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, metaBody.reduce((a, p) => a + p.length, 0), true);
  // (0002,0000) File Meta Information Group Length first, as Part 10 requires (dcmjs insists on it).
  const meta = [...encode([{ tag: 0x00020000, vr: 'UL', value: groupLength }], 'explicit', true), ...metaBody];
  const ds: Elem[] = [
    { tag: 0x00080016, vr: 'UI', value: str('UI', '1.2.840.10008.5.1.4.1.1.2') },
    { tag: 0x00080060, vr: 'CS', value: str('CS', 'CT') },
    { tag: 0x0008103e, vr: 'LO', value: str('LO', f.description ?? 'test series') },
    { tag: 0x0020000e, vr: 'UI', value: str('UI', f.seriesUid ?? '1.2.3.4') },
    { tag: 0x00200037, vr: 'DS', value: str('DS', (f.orientation ?? [1, 0, 0, 0, 1, 0]).join('\\')) },
    { tag: 0x00280002, vr: 'US', value: us(f.samplesPerPixel ?? 1, le) },
    { tag: 0x00280004, vr: 'CS', value: str('CS', 'MONOCHROME2') },
    { tag: 0x00280010, vr: 'US', value: us(f.rows, le) },
    { tag: 0x00280011, vr: 'US', value: us(f.cols, le) },
    { tag: 0x00280030, vr: 'DS', value: str('DS', (f.pixelSpacing ?? [1, 1]).join('\\')) },
    { tag: 0x00280100, vr: 'US', value: us(bits, le) },
    { tag: 0x00280101, vr: 'US', value: us(f.bitsStored ?? bits, le) },
    { tag: 0x00280103, vr: 'US', value: us(f.signed ? 1 : 0, le) },
    { tag: 0x00281052, vr: 'DS', value: str('DS', String(f.inter ?? 0)) },
    { tag: 0x00281053, vr: 'DS', value: str('DS', String(f.slope ?? 1)) },
  ];
  if (f.sopInstanceUid) ds.push({ tag: 0x00080018, vr: 'UI', value: str('UI', f.sopInstanceUid) });
  if (f.studyUid) ds.push({ tag: 0x0020000d, vr: 'UI', value: str('UI', f.studyUid) });
  if (f.frameOfReferenceUid) ds.push({ tag: 0x00200052, vr: 'UI', value: str('UI', f.frameOfReferenceUid) });
  if (f.patientName) ds.push({ tag: 0x00100010, vr: 'PN', value: str('PN', f.patientName) });
  if (f.patientId) ds.push({ tag: 0x00100020, vr: 'LO', value: str('LO', f.patientId) });
  if (f.frames !== undefined) ds.push({ tag: 0x00280008, vr: 'IS', value: str('IS', String(f.frames)) });
  if (!f.noPosition) ds.push({ tag: 0x00200032, vr: 'DS', value: str('DS', f.position.join('\\')) });
  const parts = [new Uint8Array(128), new TextEncoder().encode('DICM'), ...meta];
  if (!f.noPixels) {
    const px = pixelBytes(f, le);
    if (ts === '1.2.840.10008.1.2.5') {
      const body = encapsulate(encodeRle(pixelBytes(f, true), bits / 8));
      ds.push({ tag: 0x7fe00010, vr: 'OB', value: body });
      parts.push(...encode(ds.slice(0, -1), mode, le));
      // Encapsulated pixel data has an undefined length.
      const head = new Uint8Array(12);
      const hv = new DataView(head.buffer);
      hv.setUint16(0, 0x7fe0, true);
      hv.setUint16(2, 0x0010, true);
      head.set([0x4f, 0x42], 4);
      hv.setUint32(8, 0xffffffff, true);
      parts.push(head, body);
    } else {
      ds.push({ tag: 0x7fe00010, vr: bits === 8 ? 'OB' : 'OW', value: px });
      parts.push(...encode(ds, mode, le));
    }
  } else parts.push(...encode(ds, mode, le));
  const total = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
