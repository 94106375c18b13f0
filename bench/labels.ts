/**
 * Labels without supervision: speed and memory (bench/results/labels-morphology.json, labels-make.json).
 *
 *   npx tsx bench/labels.ts morphology [--dims 512,512,150] [--radii 5,10,20] [--methods direct,fft,gpu-fft]
 *       closing; direct and fft on the CPU, gpu-fft on WebGPU (Dawn; SwiftShader unless the machine has a GPU;
 *       run with LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json)
 *   npx tsx --expose-gc bench/labels.ts make CT.nii.gz [--tag NAME]                 makeLabels(lungs + bone) on a file
 *   npx tsx bench/labels.ts make-synthetic 512,512,300                              peak memory on a synthetic CT of that size
 *
 * The morphology case is a synthetic mask (a body-like ellipsoidal shell with random holes) at IRCADb's
 * spacing (0.782 × 0.782 × 1.6 mm). Only the timing and the peak memory are recorded, never voxels, so no
 * data derived from a scan is written.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, platform, totalmem } from 'node:os';
import type { Vec3, Volume } from '../src/core/data/volume';
import { readNifti } from '../src/core/data';
import { close, fftGrid, ballHalfExtent, makeLabelVolume } from '../src/core/labels';
import { closeFftGpu, gpuFftGrid } from '../src/core/labels/morphology-gpu';
import { installNodeWebGPU } from '../src/core/platform/node-webgpu';
import { initBackend } from '../src/core/backend/select';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function machine(): Record<string, unknown> {
  return { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), platform: platform(), node: process.version, note: '2 cores shared with other sessions; times are wall clock' };
}

/** Peak resident memory sampled every 20 ms while `f` runs. */
async function withPeak<T>(f: () => Promise<T> | T): Promise<{ value: T; peakRssMiB: number; ms: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const t0 = performance.now();
  try {
    const value = await f();
    peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
    // maxRSS is the process's high-water mark (the interval cannot fire during synchronous stages).
    return { value, peakRssMiB: Math.round(peak / 2 ** 20), ms: Math.round(performance.now() - t0) };
  } finally {
    clearInterval(timer);
  }
}

function syntheticMask(dims: Vec3): Uint8Array {
  const [nx, ny, nz] = dims;
  const m = new Uint8Array(nx * ny * nz);
  let s = 12345;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    const u = (x - nx / 2) / (0.42 * nx), v = (y - ny / 2) / (0.3 * ny);
    const r = u * u + v * v;
    m[x + nx * (y + ny * z)] = r < 1 && (r > 0.6 || rnd() < 0.3) ? 1 : 0;
  }
  return m;
}

async function morphology(): Promise<void> {
  const dims = (arg('dims') ?? '512,512,150').split(',').map(Number) as Vec3;
  const spacing: Vec3 = [0.782, 0.782, 1.6];
  const radii = (arg('radii') ?? '5,10,20').split(',').map(Number);
  const methods = (arg('methods') ?? 'direct,fft').split(',') as ('direct' | 'fft' | 'gpu-fft')[];
  let adapter = 'none';
  if (methods.includes('gpu-fft')) {
    installNodeWebGPU();
    const b = await initBackend(['webgpu']);
    adapter = b.info.adapter;
  }
  const mask = syntheticMask(dims);
  const cases = [];
  for (const r of radii) for (const method of methods) {
    const res = await withPeak(() => (method === 'gpu-fft' ? closeFftGpu(mask, dims, spacing, r) : close(mask, { dims, spacing, radiusMm: r, method })));
    const grid = method === 'fft' ? fftGrid(dims, ballHalfExtent(r, spacing)) : method === 'gpu-fft' ? gpuFftGrid(dims, ballHalfExtent(r, spacing)) : undefined;
    const c = { op: 'closing', radiusMm: r, method, backend: method === 'gpu-fft' ? `webgpu (${adapter})` : 'cpu (TypeScript)', ms: res.ms, peakRssMiB: res.peakRssMiB, ...(grid ? { fftGrid: grid } : {}) };
    console.log(JSON.stringify(c));
    cases.push(c);
  }
  write('labels-morphology.json', {
    benchmark: 'labels-morphology', date: new Date().toISOString(), machine: machine(), dims, spacingMm: spacing, cases,
    note: 'closing = dilation then erosion by a ball of radius r mm; fft: 3-D FFT convolution (mixed radix 2/3/5, CPU reference), direct: exact anisotropic distance transform. gpu-fft: the WebGPU radix-2 FFT (powers of two per axis) in Node over Dawn.',
  });
}

function write(name: string, data: unknown): void {
  mkdirSync('bench/results', { recursive: true });
  const old = (() => { try { return JSON.parse(readFileSync(`bench/results/${name}`, 'utf8')) as { runs?: unknown[] }; } catch { return undefined; } })();
  const runs = [...(old?.runs ?? []), data];
  writeFileSync(`bench/results/${name}`, JSON.stringify({ runs }, null, 1) + '\n');
}

async function make(volume: Volume, tag: string): Promise<void> {
  const stages: Record<string, number> = {};
  let t = performance.now();
  const res = await withPeak(() => makeLabelVolume(volume, {
    structures: ['lungs', 'bone'],
    onProgress: (p) => { const n = performance.now(); stages[p.stage] = Math.round(n - t); t = n; },
  }));
  const c = { scan: tag, dims: volume.dims, spacingMm: volume.spacing, structures: ['lungs', 'bone'], method: 'auto', ms: res.ms, peakRssMiB: res.peakRssMiB, stageMs: stages };
  console.log(JSON.stringify(c));
  write('labels-make.json', { benchmark: 'labels-make', date: new Date().toISOString(), machine: machine(), ...c, note: 'stageMs[s] = time until stage s began (the time of the stage before it).' });
}

const cmd = process.argv[2];
if (cmd === 'morphology') await morphology();
else if (cmd === 'make') {
  const f = process.argv[3];
  await make(readNifti(readFileSync(f), f), arg('tag') ?? f.split('/').slice(-2).join('/'));
} else if (cmd === 'make-synthetic') {
  const dims = process.argv[3].split(',').map(Number) as Vec3;
  const n = dims[0] * dims[1] * dims[2];
  const data = new Int16Array(n).fill(-1000);
  const m = syntheticMask(dims);
  for (let i = 0; i < n; i++) if (m[i]) data[i] = (i % 7) === 0 ? 700 : 40;
  await make({ name: 'synthetic', dims, spacing: [0.782, 0.782, 1.6], affine: Float64Array.from([-0.782, 0, 0, 0, 0, -0.782, 0, 0, 0, 0, 1.6, 0, 0, 0, 0, 1]), data, scale: { slope: 1, inter: 0 } }, `synthetic ${dims.join('×')} int16`);
} else {
  console.error('usage: bench/labels.ts morphology | make CT.nii.gz | make-synthetic NX,NY,NZ');
  process.exit(1);
}
