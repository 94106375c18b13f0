/**
 * Benchmark runner: `npm run bench -- conv3d [options]`, or `npm run bench -- cpu` (bench/cpu.ts).
 *
 * By default it serves bench/conv3d/index.html from Vite on 127.0.0.1 and drives it in headless
 * Debian Chromium (WebGPU on SwiftShader) with Playwright; `--node` runs it in Node over Dawn instead.
 * Writes bench/results/conv3d.json (conv3d-node.json with --node) and prints a table.
 *
 * Options:
 *   --batch N        batch size (default 1 on the CPU adapter; the paper trains with 12)
 *   --max-output N   cap the output edge at N voxels (default 12); --paper-size keeps the paper's sizes
 *   --full           the paper's batch and sizes (--batch 12 --paper-size), for real GPUs
 *   --runs N         timed calls per kernel (default 5); --budget-ms T stops a kernel after T ms (default 8000)
 *   --filter S       only layers whose name contains S
 *   --native         use the machine's GPU (Chromium: Vulkan; Node: the default Dawn adapter)
 *   --tune-for T     kernel tuning auto|gpu|cpu (see src/core/kernels/conv3d-common/options.ts)
 *   --no-baseline    time only the fast kernels (tuning)
 *   --out FILE       where to write the JSON
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { cpus, platform, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { summarize, type BenchCase, type RunOptions } from './conv3d/run-cases';
import { markdownTable, type Conv3dBenchResult } from './conv3d/report';

interface Cli {
  node: boolean;
  native: boolean;
  out?: string;
  opts: RunOptions;
}

function parseArgs(argv: string[]): Cli {
  const [what, ...rest] = argv;
  if (what !== 'conv3d') throw new Error(`usage: npm run bench -- conv3d [options]; got "${what ?? ''}"`);
  const cli: Cli = { node: false, native: false, opts: { batch: 1, maxOutput: 12, runs: 5, budgetMs: 8000 } };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const num = () => Number(rest[++i]);
    if (a === '--node') cli.node = true;
    else if (a === '--native') cli.native = true;
    else if (a === '--batch') cli.opts.batch = num();
    else if (a === '--max-output') cli.opts.maxOutput = num();
    else if (a === '--paper-size') cli.opts.maxOutput = undefined;
    else if (a === '--full') Object.assign(cli.opts, { batch: 12, maxOutput: undefined });
    else if (a === '--runs') cli.opts.runs = num();
    else if (a === '--budget-ms') cli.opts.budgetMs = num();
    else if (a === '--filter') cli.opts.filter = rest[++i];
    else if (a === '--out') cli.out = rest[++i];
    else if (a === '--tune-for') cli.opts.tuneFor = rest[++i] as RunOptions['tuneFor'];
    else if (a === '--no-baseline') cli.opts.noBaseline = true;
    else throw new Error(`unknown option ${a}`);
  }
  return cli;
}

const SWIFTSHADER_ARGS = [
  '--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader', '--disable-background-networking', '--disable-component-update',
];
const NATIVE_ARGS = [
  '--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=native',
  '--ignore-gpu-blocklist', '--disable-background-networking', '--disable-component-update',
];

interface Raw {
  adapter: string;
  cases: BenchCase[];
  versions: Record<string, string>;
  userAgent?: string;
}

async function runInBrowser(cli: Cli): Promise<Raw> {
  const { createServer } = await import('vite');
  const { chromium } = await import('@playwright/test');
  // No HMR and no file watching: an edit during a long run must not reload the page and restart it.
  const server = await createServer({
    server: { host: '127.0.0.1', port: 5199, strictPort: false, hmr: false, watch: { ignored: ['**/*'] } },
    logLevel: 'warn',
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5199/';
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: cli.native ? NATIVE_ARGS : SWIFTSHADER_ARGS });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => console.log(m.text()));
    await page.goto(`${url}bench/conv3d/index.html?settings=${encodeURIComponent(JSON.stringify(cli.opts))}`);
    await page.waitForFunction(() => (window as unknown as { conv3dBench?: { done: boolean } }).conv3dBench?.done === true, undefined, { timeout: 0, polling: 1000 });
    const st = await page.evaluate(() => (window as unknown as { conv3dBench: { error?: string; adapter: string; cases: BenchCase[]; host: { userAgent?: string } } }).conv3dBench);
    if (st.error) throw new Error(`bench page failed: ${st.error}`);
    return { adapter: st.adapter, cases: st.cases, versions: { chromium: browser.version() }, userAgent: st.host.userAgent };
  } finally {
    await browser.close();
    await server.close();
  }
}

async function runInNode(cli: Cli): Promise<Raw> {
  const file = join(mkdtempSync(join(tmpdir(), 'conv3d-bench-')), 'out.json');
  const env = { ...process.env };
  if (!cli.native) Object.assign(env, { LD_LIBRARY_PATH: '/usr/lib/chromium', VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' });
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/conv3d/node-entry.ts', JSON.stringify(cli.opts), file], { env, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`node bench exited with ${code}`))));
  });
  const r = JSON.parse(readFileSync(file, 'utf8')) as { adapter: string; cases: BenchCase[] };
  const dawn = JSON.parse(readFileSync('node_modules/webgpu/package.json', 'utf8')) as { version: string };
  return { ...r, versions: { 'webgpu (dawn)': dawn.version } };
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
}

async function main(): Promise<void> {
  // `npm run bench -- cpu`: the wasm backend against tfjs-cpu and onnxruntime (bench/cpu.ts; it exits itself).
  if (process.argv[2] === 'cpu') {
    await import('./cpu');
    return;
  }
  const cli = parseArgs(process.argv.slice(2));
  const raw = cli.node ? await runInNode(cli) : await runInBrowser(cli);
  const result: Conv3dBenchResult = {
    benchmark: 'conv3d',
    adapter: raw.adapter,
    date: new Date().toISOString(),
    machine: {
      runtime: cli.node ? 'node + dawn' : 'headless chromium',
      cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), platform: platform(),
      userAgent: raw.userAgent,
    },
    versions: {
      ...raw.versions, node: process.version,
      '@tensorflow/tfjs': packageVersion('@tensorflow/tfjs'), '@tensorflow/tfjs-backend-webgpu': packageVersion('@tensorflow/tfjs-backend-webgpu'),
    },
    settings: {
      batch: cli.opts.batch, maxOutput: cli.opts.maxOutput ?? null, runs: cli.opts.runs, budgetMs: cli.opts.budgetMs, tuneFor: cli.opts.tuneFor ?? 'auto',
      note: cli.opts.maxOutput === undefined && cli.opts.batch === 12
        ? 'paper preset shapes at training batch 12'
        : `shrunk for a software adapter: batch ${cli.opts.batch} (paper: 12)` +
          `${cli.opts.maxOutput ? `, output edge capped at ${cli.opts.maxOutput} (input = output + 2)` : ''}; channels and kernels as in the paper preset`,
    },
    summary: summarize(raw.cases),
    cases: raw.cases,
  };
  const out = cli.out ?? `bench/results/conv3d${cli.node ? '-node' : ''}.json`;
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n${markdownTable(result)}\n\nwrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
