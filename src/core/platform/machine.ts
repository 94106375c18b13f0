/**
 * The Node host a result was measured on (CPU, memory, load, Node/tfjs/Dawn versions), for benchmark
 * and report records. A platform adapter of the core, like node-webgpu.ts: Node only.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';

export function machine(adapter: string): Record<string, unknown> {
  const require = createRequire(import.meta.url);
  let dawn: string | undefined;
  try {
    dawn = (require('webgpu/package.json') as { version: string }).version;
  } catch {
    dawn = undefined;
  }
  return {
    adapter,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage1m: Number(loadavg()[0].toFixed(2)),
    versions: { node: process.version, tfjs: tf.version.tfjs, webgpuNpm: dawn },
  };
}
