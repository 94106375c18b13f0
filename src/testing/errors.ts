/** Test helper: asserting that a call throws a WorkbenchError with a given code (and message). */
import { expect } from 'vitest';
import { isWorkbenchError, type WorkbenchErrorCode } from '../core/errors';

/** Calls `f`, expects it to throw a WorkbenchError with `code` (and a message matching `re`); returns the error. */
export function expectWorkbenchError(f: () => unknown, code: WorkbenchErrorCode, re?: RegExp): Error {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(isWorkbenchError(caught, code), `expected a WorkbenchError "${code}", got ${String(caught)}`).toBe(true);
  if (re) expect((caught as Error).message).toMatch(re);
  return caught as Error;
}
