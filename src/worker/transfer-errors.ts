/**
 * Errors keep their `code` and `file` across the worker. Comlink's own handler for thrown values copies
 * only an Error's message, name and stack; this one sends the `ErrorRecord` of src/core/errors.ts and
 * rebuilds a `WorkbenchError` on the other side. Both threads install it (the UI's event handler can
 * throw back into the worker too).
 */
import * as Comlink from 'comlink';
import { fromErrorRecord, toErrorRecord, type ErrorRecord } from '../core/errors';

/** What crosses: an Error as its record, anything else thrown as it is. */
type Thrown = { isError: true; value: ErrorRecord } | { isError: false; value: unknown };

export function serializeThrown(value: unknown): Thrown {
  return value instanceof Error ? { isError: true, value: toErrorRecord(value) } : { isError: false, value };
}

export function deserializeThrown(t: Thrown): unknown {
  return t.isError ? fromErrorRecord(t.value) : t.value;
}

let installed = false;

/** Replaces comlink's "throw" handler in this thread (once). */
export function installErrorTransfer(): void {
  if (installed) return;
  const builtIn = Comlink.transferHandlers.get('throw');
  if (!builtIn) throw new Error('comlink has no "throw" transfer handler to replace; its API changed.');
  Comlink.transferHandlers.set('throw', {
    // Comlink wraps what was thrown as { value } with a private marker that its own canHandle knows.
    canHandle: builtIn.canHandle,
    serialize: (wrapped) => [serializeThrown((wrapped as { value: unknown }).value), []],
    deserialize: (t) => {
      throw deserializeThrown(t as Thrown);
    },
  });
  installed = true;
}
