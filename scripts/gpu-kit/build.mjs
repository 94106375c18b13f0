/* global console, process */
/**
 * `npm run gpu-kit`: builds .gpu-kit/ (git-ignored), everything a bare x86-64 Linux GPU machine needs to run
 * the kit (see scripts/gpu-kit/run.sh and README "GPU kit"):
 *   node.xz          this machine's Node binary, xz-compressed (run.sh unpacks it with xz, or python3's lzma)
 *   dawn.node.xz     Dawn's WebGPU addon from node_modules/webgpu/dist/linux-x64
 *   lib/             the Vulkan loader (libvulkan1) and libglvnd's dispatch libraries, from apt-get download
 *   kit.mjs          the stages (scripts/gpu-kit/kit.ts: parity tables, benchmarks), bundled with esbuild
 *   train-demo.mjs   the training CLI (src/cli/train-demo.ts), bundled
 *   run.sh           the one entry point
 * The compressed binaries are reused while their source is unchanged (xz -9 of Node takes minutes).
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const kit = join(root, '.gpu-kit');
const t0 = Date.now();
const say = (s) => console.log(`[gpu-kit ${((Date.now() - t0) / 1000).toFixed(1)} s] ${s}`);
mkdirSync(join(kit, 'lib'), { recursive: true });

if (process.arch !== 'x64' || process.platform !== 'linux') {
  throw new Error(`the GPU machine is x86-64 Linux; this is ${process.platform}-${process.arch}, whose Node binary and dawn.node would not run there`);
}

/** xz-compresses `src` into `dst` unless `dst` was made from the same file (size and mtime). */
function compressed(src, dst) {
  const s = statSync(src);
  const stamp = `${src} ${s.size} ${s.mtimeMs}\n`;
  if (existsSync(dst) && existsSync(`${dst}.src`) && readFileSync(`${dst}.src`, 'utf8') === stamp) return say(`${dst.slice(kit.length + 1)} is up to date`);
  say(`compressing ${src} (${(s.size / 2 ** 20).toFixed(1)} MiB) with xz -9; this takes minutes`);
  execFileSync('sh', ['-c', `xz -T0 -9 -c "${src}" > "${dst}.tmp" && mv "${dst}.tmp" "${dst}"`], { stdio: 'inherit' });
  writeFileSync(`${dst}.src`, stamp);
}

compressed(process.execPath, join(kit, 'node.xz'));
compressed(join(root, 'node_modules/webgpu/dist/linux-x64/dawn.node'), join(kit, 'dawn.node.xz'));

// The Vulkan loader and libglvnd (NVIDIA's Vulkan driver is libGLX_nvidia, which needs libGLdispatch),
// as the device README's recipe downloads them: amd64 packages, unpacked here, only their .so files kept.
const PACKAGES = ['libvulkan1', 'libglvnd0', 'libglx0'];
if (!existsSync(join(kit, 'lib', 'libvulkan.so.1'))) {
  const tmp = mkdtempSync(join(tmpdir(), 'gpu-kit-apt-'));
  const o = ['-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64', `-oDir::State::Lists=${join(tmp, 'lists')}`, `-oDir::Cache=${join(tmp, 'cache')}`];
  mkdirSync(join(tmp, 'lists', 'partial'), { recursive: true });
  mkdirSync(join(tmp, 'cache', 'archives', 'partial'), { recursive: true });
  say(`apt-get download ${PACKAGES.join(' ')}`);
  execFileSync('apt-get', [...o, '-qq', 'update'], { stdio: 'inherit' });
  execFileSync('apt-get', [...o, '-qq', 'download', ...PACKAGES], { cwd: tmp, stdio: 'inherit' });
  for (const deb of readdirSync(tmp).filter((f) => f.endsWith('.deb'))) {
    execFileSync('dpkg-deb', ['-x', join(tmp, deb), join(tmp, 'x')]);
    writeFileSync(join(kit, 'lib', deb.replace(/_.*/, '.version')), `${deb}\n`);
  }
  const libDir = join(tmp, 'x', 'usr/lib/x86_64-linux-gnu');
  for (const f of readdirSync(libDir).filter((n) => n.includes('.so'))) copyFileSync(join(libDir, f), join(kit, 'lib', f)); // links resolved: the device tool carries links only as links
  rmSync(tmp, { recursive: true, force: true });
} else say('lib/ is up to date');

// Bundles: plain ESM for Node 20, no node_modules. `require` for the CommonJS parts; the webgpu package's
// index.js finds dawn.node at ./dist/linux-x64/dawn.node beside the bundle (run.sh unpacks it there).
const common = {
  bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', legalComments: 'none', minifyWhitespace: true, minifySyntax: true,
  banner: { js: "import { createRequire as __kitRequire } from 'node:module'; const require = __kitRequire(import.meta.url);" },
  define: { 'process.env.NODE_ENV': '"production"' },
};
say('bundling kit.mjs and train-demo.mjs with esbuild');
await build({ ...common, entryPoints: [join(root, 'scripts/gpu-kit/kit.ts')], outfile: join(kit, 'kit.mjs') });
await build({ ...common, entryPoints: [join(root, 'scripts/gpu-kit/train-demo-entry.ts')], outfile: join(kit, 'train-demo.mjs') });
copyFileSync(join(root, 'scripts/gpu-kit/run.sh'), join(kit, 'run.sh'));
chmodSync(join(kit, 'run.sh'), 0o755);

let total = 0;
const walk = (d) => { for (const f of readdirSync(d, { withFileTypes: true })) { const p = join(d, f.name); if (f.isDirectory()) walk(p); else if (!f.isSymbolicLink()) total += statSync(p).size; } };
walk(kit);
for (const f of ['node.xz', 'dawn.node.xz', 'kit.mjs', 'train-demo.mjs']) say(`${f}: ${(statSync(join(kit, f)).size / 2 ** 20).toFixed(2)} MiB`);
say(`.gpu-kit: ${(total / 2 ** 20).toFixed(1)} MiB in all`);
