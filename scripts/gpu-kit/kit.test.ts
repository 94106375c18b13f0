/**
 * The GPU kit end to end, as the GPU machine would run it: .gpu-kit/ copied into an empty temporary folder and
 * run with `--budget smoke` on SwiftShader, with a PATH that holds only the tools a bare Linux image has (no
 * node, no npm). Checks that every result file appears and parses, and that what they say holds up.
 *
 * Runs when .gpu-kit/ has been built (`npm run gpu-kit`), or with GPU_KIT_TEST=1, which builds it first (from
 * scratch that takes minutes: xz -9 of the Node binary; later builds reuse it). GPU_KIT_TEST=0 skips it.
 * The smoke run itself takes about 3 minutes on a quiet 2-core machine.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const kitDir = join(root, '.gpu-kit');
const built = ['run.sh', 'node.xz', 'dawn.node.xz', 'kit.mjs', 'train-demo.mjs', 'lib/libvulkan.so.1'].every((f) => existsSync(join(kitDir, f)));
const wanted = process.env.GPU_KIT_TEST === '1' || (process.env.GPU_KIT_TEST !== '0' && built);
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
/** What a bare Linux image has (run.sh needs no more; python3 would stand in for xz). */
const TOOLS = ['sh', 'tar', 'gzip', 'xz', 'timeout', 'mktemp', 'date', 'tee', 'cat', 'cp', 'rm', 'mkdir', 'chmod', 'sed', 'tail', 'cut', 'dirname', 'ls'];

if (!wanted) console.log('[gpu-kit test] skipped: .gpu-kit/ is not built (npm run gpu-kit), and GPU_KIT_TEST=1 is not set');

describe.runIf(wanted && existsSync(SWIFTSHADER_ICD))('GPU kit (smoke budget on SwiftShader)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gpu-kit-test-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('unpacked in an empty folder, runs without node on the PATH and writes every result file', { timeout: 15 * 60_000 }, () => {
    if (process.env.GPU_KIT_TEST === '1') execFileSync(process.execPath, [join(root, 'scripts/gpu-kit/build.mjs')], { stdio: 'inherit' });
    cpSync(kitDir, join(tmp, 'kit'), { recursive: true, verbatimSymlinks: true });
    const bin = join(tmp, 'bin');
    mkdirSync(bin);
    for (const t of TOOLS) {
      const p = spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();
      if (p) symlinkSync(p, join(bin, t));
    }
    expect(spawnSync(join(bin, 'sh'), ['-c', 'command -v node'], { env: { PATH: bin } }).status).not.toBe(0);
    const out = join(tmp, 'out');
    const t0 = performance.now();
    const r = spawnSync(join(tmp, 'kit', 'run.sh'), ['--budget', 'smoke', out], {
      env: { PATH: bin, HOME: tmp, TMPDIR: tmp, WORKBENCH_REPO_ROOT: root, VK_ICD_FILENAMES: SWIFTSHADER_ICD },
      encoding: 'utf8',
      timeout: 14 * 60_000,
    });
    console.log(`[gpu-kit test] smoke run: exit ${r.status} in ${Math.round((performance.now() - t0) / 1000)} s\n${r.stdout.slice(-3000)}${r.stderr.slice(-2000)}`);
    expect(r.status).toBe(0);

    const json = (f: string) => JSON.parse(readFileSync(join(out, f), 'utf8'));
    const kit = json('kit.json');
    expect(kit.adapter).toMatch(/swiftshader/i);
    expect(kit.software).toBe(true);
    expect(kit.adapterLimits.maxComputeWorkgroupStorageSize).toBeGreaterThan(0);
    const stages = Object.fromEntries((kit.stages as { stage: string; exitCode: number }[]).map((s) => [s.stage, s.exitCode]));
    expect(stages).toEqual({ adapter: 0, parity: 0, conv3d: 0, 'train-step': 0, augment: 0, inference: 0, 'train-demo': 0 });

    const parity = json('parity.json');
    const kernels = new Set((parity.rows as { kernel: string }[]).map((x) => x.kernel));
    expect([...kernels].sort()).toEqual(['column-sums', 'conv3d', 'conv3d-backprop-filter', 'conv3d-backprop-input', 'dropout', 'patch-sampler']);
    expect(parity.failed).toBe(0);
    for (const row of parity.rows) expect(Number.isFinite(row.maxError)).toBe(true);

    const conv = json('conv3d.json');
    expect(conv.cases.length).toBeGreaterThan(0);
    for (const c of conv.cases) {
      expect(c.gflops).toBeGreaterThan(0);
      expect(c.fractionOfPeak).toBeCloseTo(c.gflops / 67_000, 9);
    }

    const steps = json('train-step.json');
    expect(steps.rows.length).toBeGreaterThan(0);
    for (const s of steps.rows) {
      expect(s.lossesFinite).toBe(true);
      expect(s.medianStepMs).toBeGreaterThan(0);
    }

    const aug = json('augment.json');
    expect(aug.parity.pass).toBe(true);
    expect(aug.gpuMedianMs).toBeGreaterThan(0);

    const inf = json('inference.json');
    expect(inf.rows.length).toBeGreaterThan(0);
    expect(inf.rows[0].labelVoxels).toBe(64 * 64 * 40);

    const listed = execFileSync('tar', ['-tzf', join(out, 'train-demo.tgz')], { encoding: 'utf8' }).split('\n');
    expect(listed).toEqual(expect.arrayContaining(['model/model.json', 'model/weights.bin', 'model/report.json']));
    execFileSync('tar', ['-xzf', join(out, 'train-demo.tgz'), '-C', tmp]);
    const report = JSON.parse(readFileSync(join(tmp, 'model', 'report.json'), 'utf8'));
    expect(report.training.iterations).toBe(2);
    expect(readFileSync(join(out, 'kit.log'), 'utf8')).toMatch(/done in \d+ s/);
  });
});
