/**
 * Body, lungs and bone as functions of a CT in HU and its grid, each from thresholds, connected components
 * and ball morphology (see params.ts for every number and why). Orientation comes from the affine only:
 * the axial axis is the voxel axis closest to world S, left/right is world x (NIfTI RAS+: +x points to the patient's right, as DICOM's LPS+ points it left).
 */
import type { Vec3, Volume } from '../data/volume';
import { connectedComponents, fillHolesInSlices, largestComponent } from './components';
import { close, dilate, open, type MorphologyMethod } from './morphology';
import type { LabelParams } from './params';

export interface StructureContext {
  ct: Volume;
  params: LabelParams;
  method: MorphologyMethod;
  /** Called often; throws to cancel. */
  check: () => void;
}

/** real HU of voxel i */
function huReader(v: Volume): (i: number) => number {
  const { data, scale: { slope, inter } } = v;
  return (i) => data[i] * slope + inter;
}

/** The voxel axis whose direction is closest to world z (superior). */
export function axialAxis(affine: ArrayLike<number>): 0 | 1 | 2 {
  const z = [Math.abs(affine[8]), Math.abs(affine[9]), Math.abs(affine[10])];
  return (z[0] >= z[1] && z[0] >= z[2] ? 0 : z[1] >= z[2] ? 1 : 2);
}

/** World x (mm) of voxel (i, j, k). */
function worldX(affine: ArrayLike<number>, i: number, j: number, k: number): number {
  return affine[0] * i + affine[1] * j + affine[2] * k + affine[3];
}

function threshold(v: Volume, test: (hu: number) => boolean, within?: Uint8Array): Uint8Array {
  const hu = huReader(v);
  const out = new Uint8Array(v.data.length);
  for (let i = 0; i < out.length; i++) out[i] = (!within || within[i]) && test(hu(i)) ? 1 : 0;
  return out;
}

function voxelMl(spacing: Vec3): number {
  return (spacing[0] * spacing[1] * spacing[2]) / 1000;
}

/** Body: tissue above `bodyHu`, opened, largest component, holes filled per axial slice (table, outside air out). */
export function bodyMask(ctx: StructureContext): Uint8Array {
  const { ct, params: p } = ctx;
  const m = { dims: ct.dims, spacing: ct.spacing, method: ctx.method, check: ctx.check };
  let tissue = threshold(ct, (h) => h > p.bodyHu);
  ctx.check();
  if (p.bodyOpeningMm > 0) tissue = open(tissue, { ...m, radiusMm: p.bodyOpeningMm });
  ctx.check();
  const body = largestComponent(tissue, ct.dims);
  ctx.check();
  return fillHolesInSlices(body, ct.dims, axialAxis(ct.affine));
}

/** Median of the HU values of the voxels of one component (a histogram in 1-HU bins over −1100..+100). */
function componentMedians(v: Volume, labels: Int32Array, count: number): Float64Array {
  const lo = -1100, bins = 1201;
  const hist = new Uint32Array(count * bins);
  const hu = huReader(v);
  const n = new Uint32Array(count);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!c) continue;
    const b = Math.min(bins - 1, Math.max(0, Math.round(hu(i) - lo)));
    hist[c * bins + b]++;
    n[c]++;
  }
  const med = new Float64Array(count);
  for (let c = 1; c < count; c++) {
    let acc = 0;
    for (let b = 0; b < bins; b++) { acc += hist[c * bins + b]; if (acc * 2 >= n[c]) { med[c] = b + lo; break; } }
  }
  return med;
}

/**
 * Lungs: air inside the body (not the air around it), components of at least `lungMinMl` whose median HU
 * says parenchyma rather than bowel gas, airways removed (small midline cross-sections), closed so vessels
 * are inside, then split into left (2) and right (1) by world x against the body's midline.
 * Returns 0 background, 1 right lung, 2 left lung.
 */
export function lungMasks(ctx: StructureContext, body: Uint8Array): Uint8Array {
  const { ct, params: p } = ctx;
  const [nx, ny] = ct.dims;
  const air = threshold(ct, (h) => h < p.lungHu, body);
  ctx.check();
  const { labels, sizes } = connectedComponents(air, ct.dims);
  ctx.check();
  const med = componentMedians(ct, labels, sizes.length);
  const minVox = p.lungMinMl / voxelMl(ct.spacing);
  const keep = new Uint8Array(sizes.length);
  for (let c = 1; c < sizes.length; c++) keep[c] = sizes[c] >= minVox && med[c] >= p.gasMedianHu ? 1 : 0;
  let lung: Uint8Array = new Uint8Array(air.length);
  for (let i = 0; i < lung.length; i++) lung[i] = keep[labels[i]];
  removeAirways(lung, ct, body, p);
  ctx.check();
  if (p.lungClosingMm > 0) {
    const closed = close(lung, { dims: ct.dims, spacing: ct.spacing, radiusMm: p.lungClosingMm, method: ctx.method, check: ctx.check });
    for (let i = 0; i < closed.length; i++) closed[i] &= body[i];
    lung = closed;
  }
  lung = fillHolesInSlices(lung, ct.dims, axialAxis(ct.affine));
  const mid = midlineX(ct, body);
  const out = new Uint8Array(lung.length);
  for (let i = 0; i < lung.length; i++) {
    if (!lung[i]) continue;
    const x = i % nx, y = Math.floor(i / nx) % ny, z = Math.floor(i / (nx * ny));
    out[i] = worldX(ct.affine, x, y, z) > mid ? 1 : 2; // RAS+: +x is the patient's right
  }
  return out;
}

/** The body's centre in world x (mm). */
function midlineX(ct: Volume, body: Uint8Array): number {
  const [nx, ny] = ct.dims;
  let s = 0, n = 0;
  for (let i = 0; i < body.length; i++) {
    if (!body[i]) continue;
    s += worldX(ct.affine, i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny)));
    n++;
  }
  return n ? s / n : 0;
}

/** Clears, in place, axial cross-sections of the lung mask that are small and near the midline (trachea, main bronchi). */
function removeAirways(lung: Uint8Array, ct: Volume, body: Uint8Array, p: LabelParams): void {
  const axis = axialAxis(ct.affine);
  const dims = ct.dims;
  const strides = [1, dims[0], dims[0] * dims[1]];
  const [ua, va] = ([0, 1, 2] as const).filter((a) => a !== axis);
  const nu = dims[ua], nv = dims[va];
  const areaMm2 = ct.spacing[ua] * ct.spacing[va];
  const mid = midlineX(ct, body);
  const slice = new Uint8Array(nu * nv);
  for (let k = 0; k < dims[axis]; k++) {
    const base = k * strides[axis];
    for (let v = 0; v < nv; v++) for (let u = 0; u < nu; u++) slice[u + nu * v] = lung[base + u * strides[ua] + v * strides[va]];
    const { labels, sizes } = connectedComponents(slice, [nu, nv, 1]);
    if (sizes.length <= 1) continue;
    const sx = new Float64Array(sizes.length);
    for (let v = 0; v < nv; v++) for (let u = 0; u < nu; u++) {
      const c = labels[u + nu * v];
      if (!c) continue;
      const idx = [0, 0, 0];
      idx[ua] = u; idx[va] = v; idx[axis] = k;
      sx[c] += worldX(ct.affine, idx[0], idx[1], idx[2]);
    }
    for (let v = 0; v < nv; v++) for (let u = 0; u < nu; u++) {
      const c = labels[u + nu * v];
      if (c && sizes[c] * areaMm2 < p.airwayMaxAreaMm2 && Math.abs(sx[c] / sizes[c] - mid) < p.airwayMidlineMm) lung[base + u * strides[ua] + v * strides[va]] = 0;
    }
  }
}

/**
 * Bone: voxels above `boneHu` inside the body, in components of at least `boneMinMl` that hold at least
 * `boneCorticalMinMl` of cortical bone (≥ `boneCorticalHu`): contrast-filled vessels and enhancing kidneys
 * reach the first threshold but have no cortex, so they are dropped whole. Voxels above `boneGrowHu` within
 * `boneGrowMm` of the kept bone join it (marrow, thin trabeculae). The result is closed
 * (`boneClosingMm`) and hole-filled per axial slice so that marrow is inside.
 */
export function boneMask(ctx: StructureContext, body: Uint8Array): Uint8Array {
  const { ct, params: p } = ctx;
  const cand = threshold(ct, (h) => h >= p.boneHu, body);
  ctx.check();
  const { labels, sizes } = connectedComponents(cand, ct.dims);
  ctx.check();
  const hu = huReader(ct);
  const cortical = new Uint32Array(sizes.length);
  for (let i = 0; i < labels.length; i++) if (labels[i] && hu(i) >= p.boneCorticalHu) cortical[labels[i]]++;
  const ml = voxelMl(ct.spacing);
  const keep = new Uint8Array(sizes.length);
  for (let c = 1; c < sizes.length; c++) keep[c] = sizes[c] * ml >= p.boneMinMl && cortical[c] * ml >= p.boneCorticalMinMl ? 1 : 0;
  let bone: Uint8Array = new Uint8Array(cand.length);
  for (let i = 0; i < bone.length; i++) bone[i] = keep[labels[i]];
  if (p.boneGrowMm > 0) {
    const near = dilate(bone, { dims: ct.dims, spacing: ct.spacing, radiusMm: p.boneGrowMm, method: ctx.method, check: ctx.check });
    for (let i = 0; i < bone.length; i++) if (near[i] && body[i] && hu(i) >= p.boneGrowHu) bone[i] = 1;
  }
  ctx.check();
  if (p.boneClosingMm > 0) bone = close(bone, { dims: ct.dims, spacing: ct.spacing, radiusMm: p.boneClosingMm, method: ctx.method, check: ctx.check });
  ctx.check();
  return fillHolesInSlices(bone, ct.dims, axialAxis(ct.affine));
}
