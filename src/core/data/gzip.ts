/** gzip and zlib through fflate, with the integrity checks fflate leaves out (gzip's CRC-32 and length, zlib's Adler-32). */
import { Gunzip, gunzipSync, gzipSync, unzlibSync, zlibSync } from 'fflate';
import { WorkbenchError } from '../errors';

let crcTable: Uint32Array | undefined;

function table(): Uint32Array {
  if (crcTable) return crcTable;
  crcTable = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c >>> 0;
  }
  return crcTable;
}

/** CRC-32 (IEEE), as stored in the gzip trailer. */
export function crc32(bytes: Uint8Array): number {
  const t = table();
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Deflate expands at most ~1032:1, so a trailer claiming more than this ratio is not a real size. */
const MAX_RATIO = 1032;
const MAX_PRESIZE = 2 ** 31 - 1;

/**
 * gunzipSync sizes its output from the trailer's length field; in a truncated file those 4 bytes are
 * whatever data was there (the demo CT cut in half claims 3.8 GB), and allocating that fails with a bare
 * "Array buffer allocation failed" before the stream is even read. A plausible size is used as is; an
 * implausible one is ignored and the stream is decompressed in chunks instead.
 */
function gunzipBounded(gz: Uint8Array): Uint8Array {
  const claimed = gz.length >= 18 ? trailer(gz).size : 0;
  if (claimed > 0 && claimed <= MAX_PRESIZE && claimed <= gz.length * MAX_RATIO) return gunzipSync(gz);
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const g = new Gunzip((chunk, final) => {
    chunks.push(chunk);
    total += chunk.length;
    if (final) ended = true;
  });
  g.push(gz, true);
  if (!ended) throw new Error('unexpected EOF');
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function trailer(gz: Uint8Array): { crc: number; size: number } {
  const v = new DataView(gz.buffer, gz.byteOffset + gz.length - 8, 8);
  return { crc: v.getUint32(0, true), size: v.getUint32(4, true) };
}

/**
 * Decompresses a .gz file. Throws `truncated-gzip` naming the file when the stream ends early
 * or its checksum or length does not match (a download cut short or a damaged file).
 */
export function gunzipChecked(gz: Uint8Array, fileName: string): Uint8Array {
  let out: Uint8Array;
  try {
    out = gunzipBounded(gz);
  } catch (e) {
    const why = (e as Error).message;
    const cut = /unexpected EOF/i.test(why);
    throw new WorkbenchError(
      'truncated-gzip',
      cut
        ? `${fileName} is a truncated gzip file: the compressed stream ends early after ${gz.length} bytes. The download or copy was probably cut short; fetch the file again.`
        : `${fileName} starts like a gzip file but could not be decompressed (${why}); the file is damaged.`,
      { file: fileName, cause: e },
    );
  }
  const t = trailer(gz);
  if (t.size !== out.length >>> 0 || t.crc !== crc32(out)) {
    throw new WorkbenchError(
      'truncated-gzip',
      `${fileName} is a damaged gzip file: its checksum does not match the decompressed data (expected ${t.size} bytes with CRC ${t.crc.toString(16)}, found ${out.length} bytes with CRC ${crc32(out).toString(16)}). Fetch the file again.`,
      { file: fileName },
    );
  }
  return out;
}

export function gzip(bytes: Uint8Array, level: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 = 6): Uint8Array {
  return gzipSync(bytes, { level });
}

/** Adler-32, as stored at the end of a zlib stream (RFC 1950). */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552 bytes is the longest run before b can pass 2^53 / overflow the modulus (zlib's NMAX).
  for (let at = 0; at < bytes.length; ) {
    const end = Math.min(bytes.length, at + 5552);
    for (; at < end; at++) {
      a += bytes[at];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * Decompresses a zlib stream (RFC 1950: MetaImage's CompressedData). Throws `truncated-gzip` naming the
 * file and `what` (e.g. "its compressed voxels") when the stream ends early, is not zlib, or its Adler-32
 * does not match.
 */
export function unzlibChecked(z: Uint8Array, fileName: string, what = 'its zlib-compressed data'): Uint8Array {
  if (z.length < 6) throw new WorkbenchError('truncated-gzip', `${fileName} is truncated: ${what} (zlib) hold only ${z.length} bytes; a zlib stream has at least 6.`, { file: fileName });
  let out: Uint8Array;
  try {
    out = unzlibSync(z);
  } catch (e) {
    const why = (e as Error).message;
    throw new WorkbenchError(
      'truncated-gzip',
      /unexpected EOF/i.test(why)
        ? `${fileName} is truncated: ${what} (zlib) end early after ${z.length} bytes. The file was probably cut short; fetch it again.`
        : `${fileName} could not be decompressed: ${what} should be a zlib stream but ${why}; the file is damaged.`,
      { file: fileName, cause: e },
    );
  }
  const stored = new DataView(z.buffer, z.byteOffset + z.length - 4, 4).getUint32(0, false);
  const found = adler32(out);
  if (stored !== found) {
    throw new WorkbenchError(
      'truncated-gzip',
      `${fileName} is damaged: ${what} (zlib) decompress to ${out.length} bytes whose Adler-32 is ${found.toString(16)}, but the stream says ${stored.toString(16)}. Fetch the file again.`,
      { file: fileName },
    );
  }
  return out;
}

export function zlib(bytes: Uint8Array, level: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 = 6): Uint8Array {
  return zlibSync(bytes, { level });
}
