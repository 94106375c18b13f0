/**
 * Named phases of user-visible work, as User Timing measures (`performance.getEntriesByType('measure')`),
 * so that a benchmark or DevTools can see where the time of, say, a segmentation went: in the engine,
 * in moving the result, in parsing it for the viewer, in placing it on screen.
 */
export async function timed<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    performance.measure(name, { start, end: performance.now() });
  }
}

/** The same for synchronous work. */
export function timedSync<T>(name: string, fn: () => T): T {
  const start = performance.now();
  try {
    return fn();
  } finally {
    performance.measure(name, { start, end: performance.now() });
  }
}
