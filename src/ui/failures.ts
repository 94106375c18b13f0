/**
 * A failed action, as the user and a script see it: its sentence goes to the message list, and the caller
 * (a click, or a `window.workbench` script) is rejected with an error of the same message that keeps the
 * `WorkbenchError`'s `code` and `file` (they cross the worker intact, see src/worker/transfer-errors.ts).
 */
import { errorMessage, WorkbenchError } from '../core/errors';
import { useAppStore } from './store';

/** The error a caller is rejected with: a WorkbenchError as it is, anything else as an Error with its message. */
export function callerError(e: unknown): Error {
  return e instanceof WorkbenchError ? e : new Error(errorMessage(e), { cause: e });
}

export function reportFailure(e: unknown): never {
  useAppStore.getState().pushMessage('error', errorMessage(e));
  throw callerError(e);
}

/** For work nobody awaits (an event handler's follow-up): the failure is shown, not thrown. */
export function showFailure(e: unknown): void {
  console.error(e);
  useAppStore.getState().pushMessage('error', errorMessage(e));
}
