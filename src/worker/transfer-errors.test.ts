import * as Comlink from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../core/errors';
import { deserializeThrown, installErrorTransfer, serializeThrown } from './transfer-errors';

/** What the worker boundary does to a thrown value: serialise, structured-clone, deserialise. */
const across = (v: unknown) => deserializeThrown(structuredClone(serializeThrown(v)));

describe('errors across the worker', () => {
  it('a WorkbenchError keeps its class, code, file, message and name', () => {
    const e = across(new WorkbenchError('label-grid-mismatch', 'labels.nii.gz is 2×2×2 but the image is 3×3×3; a label map must match its image', { file: 'labels.nii.gz' }));
    expect(e).toBeInstanceOf(WorkbenchError);
    expect(e).toMatchObject({ code: 'label-grid-mismatch', file: 'labels.nii.gz', name: 'WorkbenchError', message: 'labels.nii.gz is 2×2×2 but the image is 3×3×3; a label map must match its image' });
  });

  it('one without a file has none; a plain Error stays an Error without a code; other values pass as they are', () => {
    const w = across(new WorkbenchError('diverged', 'The loss became NaN at step 3.'));
    expect(w).toMatchObject({ code: 'diverged' });
    expect((w as WorkbenchError).file).toBeUndefined();
    const t = across(new TypeError('x is not a function'));
    expect(t).not.toBeInstanceOf(WorkbenchError);
    expect(t).toMatchObject({ name: 'TypeError', message: 'x is not a function' });
    expect((t as { code?: unknown }).code).toBeUndefined();
    expect(across('a string')).toBe('a string');
    expect(across({ reason: 42 })).toEqual({ reason: 42 });
  });

  describe('through comlink over a real MessageChannel', () => {
    const { port1, port2 } = new MessageChannel();
    installErrorTransfer();
    Comlink.expose(
      {
        load: async () => {
          throw new WorkbenchError('bad-nifti', 'scan.nii has a header of 12 bytes; a NIfTI-1 header is 348.', { file: 'scan.nii' });
        },
        crash: () => {
          throw new RangeError('Invalid array length');
        },
      },
      port1,
    );
    const remote = Comlink.wrap<{ load(): Promise<void>; crash(): void }>(port2);
    afterAll(() => {
      port1.close();
      port2.close();
    });

    it('a rejection arrives as a WorkbenchError with its code and file', async () => {
      const caught = await remote.load().catch((e: unknown) => e);
      expect(caught).toBeInstanceOf(WorkbenchError);
      expect(caught).toMatchObject({ code: 'bad-nifti', file: 'scan.nii', message: 'scan.nii has a header of 12 bytes; a NIfTI-1 header is 348.' });
    });

    it('an unexpected error arrives with its name and message and no code', async () => {
      const caught = await remote.crash().catch((e: unknown) => e);
      expect(caught).toMatchObject({ name: 'RangeError', message: 'Invalid array length' });
      expect((caught as { code?: unknown }).code).toBeUndefined();
    });
  });
});
