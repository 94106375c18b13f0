import { describe, expect, it } from 'vitest';
import { isWorkbenchError } from '../errors';
import { decodeRle } from './dicom-codecs';
import { parseDicomFile, slicePixels } from './dicom-slice';
import { encodeRle, makeDicom, type DicomFixture } from './testing/make-dicom';

const base: DicomFixture = { rows: 3, cols: 4, pixels: [0, 1, 2, 3, -4, 500, -1024, 3071, 7, 7, 7, 7], position: [1, 2, 3], signed: true };

describe('DICOM pixel data by transfer syntax', () => {
  const syntaxes = [
    ['implicit VR little endian', '1.2.840.10008.1.2'],
    ['explicit VR little endian', '1.2.840.10008.1.2.1'],
    ['explicit VR big endian', '1.2.840.10008.1.2.2'],
    ['RLE Lossless', '1.2.840.10008.1.2.5'],
  ];
  for (const [words, ts] of syntaxes) {
    it(`${words} (${ts}): signed 16-bit values come back exactly`, async () => {
      const s = parseDicomFile({ name: 'a.dcm', bytes: makeDicom({ ...base, transferSyntax: ts }) })!;
      expect(s.rows).toBe(3);
      expect(s.cols).toBe(4);
      expect(s.position).toEqual([1, 2, 3]);
      expect(Array.from(await slicePixels(s))).toEqual(Array.from(base.pixels));
    });
  }

  it('8-bit unsigned pixels', async () => {
    const pixels = [0, 255, 128, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const s = parseDicomFile({ name: 'a.dcm', bytes: makeDicom({ ...base, pixels, signed: false, bitsAllocated: 8 }) })!;
    expect(Array.from(await slicePixels(s))).toEqual(pixels);
  });

  it('keeps only BitsStored bits: 12-bit signed values are sign-extended, unsigned ones masked', async () => {
    // In 16-bit words, 0x0FFF is −1 when 12 bits are stored signed; 0xF005 has junk above bit 12.
    const raw = [0x0fff, 0x0800, 0x07ff, 0, 1, 2, 3, 4, 5, 6, 7, 0xf005];
    const signed = parseDicomFile({ name: 's.dcm', bytes: makeDicom({ ...base, pixels: raw, bitsStored: 12, signed: true }) })!;
    const got = Array.from(await slicePixels(signed));
    expect(got.slice(0, 3)).toEqual([-1, -2048, 2047]);
    expect(got[11]).toBe(5);
    const unsigned = parseDicomFile({ name: 'u.dcm', bytes: makeDicom({ ...base, pixels: raw, bitsStored: 12, signed: false }) })!;
    expect(Array.from(await slicePixels(unsigned))[11]).toBe(5);
  });

  it('RLE decoder handles runs, literals and 2-byte samples', () => {
    const words = new Uint16Array(300);
    for (let i = 0; i < 300; i++) words[i] = i < 200 ? 1000 : i * 37;
    const bytes = new Uint8Array(words.buffer);
    const back = new Uint16Array(decodeRle(encodeRle(bytes, 2), 300, 2).buffer);
    expect(Array.from(back)).toEqual(Array.from(words));
  });

  it('skips DICOM files without an image, and reads a raw data set without preamble', () => {
    expect(parseDicomFile({ name: 'DICOMDIR', bytes: makeDicom({ ...base, noPixels: true }) })).toBeUndefined();
    const withPreamble = makeDicom({ ...base, transferSyntax: '1.2.840.10008.1.2' });
    // Drop preamble, "DICM" and the meta group: what is left is an implicit VR data set.
    const start = withPreamble.findIndex((_, i) => i > 132 && withPreamble[i] === 0x08 && withPreamble[i + 1] === 0x00);
    const s = parseDicomFile({ name: 'raw', bytes: withPreamble.slice(start) });
    expect(s?.rows).toBe(3);
  });
});

describe('DICOM errors name the file and say what is wrong', () => {
  it('an unsupported compression', async () => {
    const s = parseDicomFile({ name: 'ls.dcm', bytes: makeDicom({ ...base, transferSyntax: '1.2.840.10008.1.2.4.80' }) })!;
    await expect(slicePixels(s)).rejects.toSatisfy(
      (e: unknown) => isWorkbenchError(e, 'bad-dicom') && /^ls\.dcm is compressed with JPEG-LS Lossless \(1\.2\.840\.10008\.1\.2\.4\.80\), which the workbench cannot decode; expected uncompressed, JPEG 2000 or RLE/.test((e as Error).message),
    );
  });

  it('a slice without ImagePositionPatient', () => {
    expect(() => parseDicomFile({ name: 'np.dcm', bytes: makeDicom({ ...base, noPosition: true }) })).toThrow(
      /np\.dcm has no usable ImagePositionPatient \(0020,0032\) \(found "nothing"\)/,
    );
  });

  it('a damaged file', () => {
    const bytes = makeDicom(base).slice(0, 140);
    expect(() => parseDicomFile({ name: 'cut.dcm', bytes })).toThrow(/cut\.dcm could not be parsed as DICOM/);
  });
});
