/**
 * Decoders for compressed DICOM pixel data: JPEG 2000 through OpenJPEG (WebAssembly, loaded on
 * first use) and RLE Lossless (hand-written: PackBits segments, DICOM PS3.5 annex G).
 */
import type { J2KFrameInfo, OpenJpegModule } from '@cornerstonejs/codec-openjpeg/decodewasmjs';
import { runtime } from '../env';

/**
 * The .wasm file as a URL that Vite copies into the bundle (main thread or worker). In Node the
 * Emscripten loader ignores it and reads the file next to its own script instead.
 */
const OPENJPEG_WASM_URL = new URL(
  '../../../node_modules/@cornerstonejs/codec-openjpeg/dist/openjpegwasm_decode.wasm',
  import.meta.url,
);

let openJpeg: Promise<OpenJpegModule> | undefined;

function loadOpenJpeg(): Promise<OpenJpegModule> {
  openJpeg ??= (async () => {
    const { default: factory } = await import('@cornerstonejs/codec-openjpeg/decodewasmjs');
    const quiet = { print: () => {}, printErr: () => {} };
    if (runtime() === 'node') return factory(quiet);
    return factory({ ...quiet, locateFile: (p) => (p.endsWith('.wasm') ? OPENJPEG_WASM_URL.href : p) });
  })();
  openJpeg.catch(() => {
    openJpeg = undefined;
  });
  return openJpeg;
}

export interface DecodedFrame {
  /** One number per pixel, row-major (x fastest). */
  values: Uint8Array | Int8Array | Uint16Array | Int16Array;
  width: number;
  height: number;
  info: J2KFrameInfo;
}

/** Decodes one JPEG 2000 code stream (a DICOM frame) to its pixel values. */
export async function decodeJpeg2000(encoded: Uint8Array): Promise<DecodedFrame> {
  const m = await loadOpenJpeg();
  const dec = new m.J2KDecoder();
  try {
    dec.getEncodedBuffer(encoded.length).set(encoded);
    dec.decode();
    const info = dec.getFrameInfo();
    const raw = dec.getDecodedBuffer();
    // The decoded buffer is a view into WebAssembly memory: copy before the decoder is freed.
    const bytes = new Uint8Array(raw.length);
    bytes.set(raw);
    const wide = info.bitsPerSample > 8;
    const values = wide
      ? info.isSigned
        ? new Int16Array(bytes.buffer)
        : new Uint16Array(bytes.buffer)
      : info.isSigned
        ? new Int8Array(bytes.buffer)
        : bytes;
    return { values, width: info.width, height: info.height, info };
  } finally {
    dec.delete();
  }
}

/** PackBits: n ≥ 0 copies n+1 literal bytes, −127 ≤ n ≤ −1 repeats the next byte 1−n times. */
function unpackBits(src: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let o = 0;
  let p = start;
  while (p < end && o < out.length) {
    const n = (src[p++] << 24) >> 24;
    if (n >= 0) {
      const len = Math.min(n + 1, out.length - o, end - p);
      out.set(src.subarray(p, p + len), o);
      o += len;
      p += n + 1;
    } else if (n !== -128) {
      const len = Math.min(1 - n, out.length - o);
      out.fill(src[p++], o, o + len);
      o += len;
    }
  }
  return o;
}

/**
 * Decodes one RLE Lossless frame with `bytesPerSample` bytes per pixel (one sample per pixel).
 * Returns the pixels as little-endian bytes (`pixels × bytesPerSample`).
 */
export function decodeRle(frame: Uint8Array, pixels: number, bytesPerSample: number): Uint8Array {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
  if (frame.length < 64) throw new Error(`RLE frame is ${frame.length} bytes, shorter than its 64-byte header`);
  const segments = view.getUint32(0, true);
  if (segments !== bytesPerSample) {
    throw new Error(`RLE frame has ${segments} segments; expected ${bytesPerSample} (one per byte of a grey-scale pixel)`);
  }
  const out = new Uint8Array(pixels * bytesPerSample);
  const seg = new Uint8Array(pixels);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : frame.length;
    const got = unpackBits(frame, start, end, seg);
    if (got < pixels) throw new Error(`RLE segment ${s + 1} decodes to ${got} bytes; expected ${pixels}`);
    // Segment 0 holds the most significant bytes.
    const byte = bytesPerSample - 1 - s;
    for (let i = 0; i < pixels; i++) out[i * bytesPerSample + byte] = seg[i];
  }
  return out;
}
