/**
 * Scans too thin or out of the model's domain: `segment()` still returns what the model gives, and says why
 * it cannot be trusted. The sentences on built geometry; then the engine on the wasm backend with the shipped
 * tiny model (demo-organs4, 6 mm, receptive field 28 voxels = 168 mm) on volumes built from the demo CT.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { huFinding, readNifti, writeNifti, type Volume } from '../data';
import { repoFile } from '../data/testing/repo-files';
import { Engine } from './engine';
import { slabOf } from '../data/testing/slab';
import { backgroundOnlyModel } from './testing/built-models';
import { emptyResultWarning, MIN_EXTENT_OF_RECEPTIVE_FIELD, notCtWarning, thinScanWarnings } from './scan-fit';

const HU = { min: -1000, max: 1000, divisor: 218 };

describe('scan-fit sentences', () => {
  const base = { scanName: 'slab.nii.gz', model: 'the model "tiny"', modelSpacing: [6, 6, 6] as [number, number, number], receptiveField: 28 };

  it('a 3-slice slab at 3 mm warns along z with the numbers; a whole scan does not', () => {
    const w = thinScanWarnings({ ...base, dims: [122, 101, 3], spacing: [3, 3, 3] });
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^slab\.nii\.gz is only 9 mm long along z \(head–foot\) \(3 slices of 3 mm\), but the model "tiny" looks at 168 mm around each voxel \(a receptive field of 28 voxels of 6 mm\) and needs at least 84 mm/);
    expect(w[0]).toMatch(/Segment a scan that covers at least 84 mm along z/);
    expect(thinScanWarnings({ ...base, dims: [122, 101, 112], spacing: [3, 3, 3] })).toEqual([]);
  });

  it('the threshold is half the receptive field in mm, per axis with its own spacing', () => {
    expect(MIN_EXTENT_OF_RECEPTIVE_FIELD).toBe(0.5);
    // 28 slices of 3 mm = 84 mm: exactly half of 168 mm, no warning; 27 slices warn.
    expect(thinScanWarnings({ ...base, dims: [100, 100, 28], spacing: [3, 3, 3] })).toEqual([]);
    expect(thinScanWarnings({ ...base, dims: [100, 100, 27], spacing: [3, 3, 3] })).toHaveLength(1);
    // A model at 2 mm along x sees 56 mm there and needs 28: 27 mm along x warns, and 30 mm along y (84 mm needed) too.
    const w = thinScanWarnings({ ...base, modelSpacing: [2, 6, 6], dims: [9, 10, 100], spacing: [3, 3, 3] });
    expect(w.map((s) => s.match(/along (\w)/)![1])).toEqual(['x', 'y']);
    expect(w[0]).toMatch(/needs at least 28 mm/);
  });

  it('not CT: MR-like values (0..2000) and a 0..1 range warn; a CT in HU and a model without air do not', () => {
    const n = 1000;
    const mr = { name: 'mr.nii', data: Float32Array.from({ length: n }, (_, i) => (i * 2000) / n), scale: { slope: 1, inter: 0 } };
    const unit = { name: 'unit.nii', data: Float32Array.from({ length: n }, (_, i) => i / n), scale: { slope: 1, inter: 0 } };
    const ct = { name: 'ct.nii', data: Int16Array.from({ length: n }, (_, i) => (i < 100 ? -1000 : 40)), scale: { slope: 1, inter: 0 } };
    expect(notCtWarning(mr, 'the model', HU)).toMatch(/^mr\.nii does not look like a CT in Hounsfield units: its values span 0 to 1998, and only 0\.00 % of voxels are at or below -900 HU/);
    expect(notCtWarning(unit, 'the model', HU)).toMatch(/values span 0 to 1.*The model was trained on CT in HU \(it reads -1000\.\.1000 HU\)/);
    expect(notCtWarning(ct, 'the model', HU)).toBeUndefined();
    expect(notCtWarning(mr, 'the model', { min: 0, max: 2000, divisor: 500 })).toBeUndefined();
    // The same test as the automatic labeller's: a stored value with its rescale intercept is read in HU.
    expect(huFinding({ data: Int16Array.from({ length: n }, (_, i) => (i < 100 ? 24 : 1064)), scale: { slope: 1, inter: -1024 } }).looksLikeCt).toBe(true);
  });

  it('an empty result says so, and points at the other warnings when there are some', () => {
    const classes = ['background', 'spleen', 'liver'];
    expect(emptyResultWarning('a.nii', 'the model "x"', classes, false)).toMatch(/^The model "x" found none of its classes \(spleen, liver\) in a\.nii: every voxel is background\. The scan may not show/);
    expect(emptyResultWarning('a.nii', 'the model "x"', classes, true)).toMatch(/The warnings above say why/);
  });
});

/** The demo CT with some of its voxels kept or its values changed, as NIfTI bytes. */
function niftiBytes(v: Volume): ArrayBuffer {
  const b = writeNifti(v, { gzip: false });
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

describe('Engine.segment warns and still returns (wasm backend, shipped tiny model)', () => {
  const engine = new Engine();
  let model = '';
  const ct = readNifti(repoFile('public/demo/ct.nii.gz'), 'ct.nii.gz');

  beforeAll(async () => {
    await engine.init({ backends: ['wasm'] });
    const m = await engine.loadModel([
      { name: 'model.json', bytes: repoFile('public/models/demo-organs4/model.json') },
      { name: 'weights.bin', bytes: repoFile('public/models/demo-organs4/weights.bin') },
    ], 'demo-organs4');
    model = m.id;
  });

  const segment = async (v: Volume) => {
    const { info } = await engine.loadVolume([{ name: v.name, bytes: niftiBytes(v) }]);
    return engine.segment(info.id, { model });
  };

  it('a normal CT: no warnings, organs found', async () => {
    const r = await segment(ct);
    expect(r.result.warnings).toBeUndefined();
    expect(r.result.volumesMl.liver).toBeGreaterThan(500);
  });

  it('a 3-slice slab: a sentence with the numbers, and the label map all the same', async () => {
    const r = await segment(slabOf(ct, 50, 3));
    expect(r.label.info.dims).toEqual([122, 101, 3]);
    const w = r.result.warnings ?? [];
    expect(w[0]).toMatch(/^slab\.nii is only 9 mm long along z \(head–foot\) \(3 slices of 3 mm\), but the model "demo-organs4" looks at 168 mm .* at least 84 mm/);
    expect(w.filter((s) => /long along/.test(s))).toHaveLength(1);
    // The model gives nothing here: the result says so too, pointing at the cause.
    const empty = Object.values(r.result.volumesMl).every((ml) => ml === 0);
    expect(w.some((s) => /found none of its classes .*The warnings above/.test(s))).toBe(empty);
  });

  it('MR-like intensities (0..2000, no air): the not-CT sentence', async () => {
    const data = Float32Array.from(ct.data, (h) => Math.max(0, (h * ct.scale.slope + ct.scale.inter + 1000) * 0.6));
    const r = await segment({ ...ct, name: 'mr-like.nii', data, scale: { slope: 1, inter: 0 } });
    expect(r.result.warnings?.[0]).toMatch(/^mr-like\.nii does not look like a CT in Hounsfield units: its values span 0 to \d+, and only 0\.00 % of voxels/);
    expect(r.result.warnings!.some((s) => /long along/.test(s))).toBe(false);
  });

  it('an empty result says so: with the cause when one was found, else with what to check', async () => {
    const none = backgroundOnlyModel(engine);
    const thin = await engine.segment((await engine.loadVolume([{ name: 'slab.nii', bytes: niftiBytes(slabOf(ct, 50, 3)) }])).info.id, { model: none });
    expect(thin.result.warnings).toHaveLength(2);
    expect(thin.result.warnings![0]).toMatch(/^slab\.nii is only 9 mm long along z/);
    expect(thin.result.warnings![1]).toMatch(/^The model "background only" found none of its classes \(spleen, liver\) in slab\.nii: every voxel is background\. The warnings above say why/);
    const whole = await engine.segment((await engine.loadVolume([{ name: 'ct.nii', bytes: niftiBytes(ct) }])).info.id, { model: none });
    expect(whole.result.volumesMl).toEqual({ spleen: 0, liver: 0 });
    expect(whole.result.warnings).toEqual([expect.stringMatching(/^The model "background only" found none of its classes \(spleen, liver\) in ct\.nii: every voxel is background\. The scan may not show these organs/)]);
  });
});
