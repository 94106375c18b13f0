/**
 * The README's picture of automatic labels: patient A (public/demo, TotalSegmentator's example CT, Apache-2.0),
 * never IRCADb. Writes docs/images/auto-labels-a.png: two axial slices and a coronal one, radiological
 * convention (the patient's right on the image's left), lung_left green, lung_right blue, bone yellow.
 *
 *   npx tsx bench/labels-figure.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { zlibSync } from 'fflate';
import { readNifti } from '../src/core/data';
import { makeLabelVolume } from '../src/core/labels';

const ct = readNifti(readFileSync('public/demo/ct.nii.gz'), 'ct.nii.gz');
const made = await makeLabelVolume(ct, { structures: ['body', 'lungs', 'bone'] });
const [nx, ny, nz] = ct.dims;
const lab = made.volume.data;
const hu = (i: number): number => ct.data[i] * ct.scale.slope + ct.scale.inter;
const COLORS: Record<number, [number, number, number]> = { 2: [40, 200, 80], 3: [60, 120, 255], 4: [255, 215, 0] };
const flipX = ct.affine[0] > 0; // +x is the patient's right: draw it on the left

function count(k: number, v: number): number {
  let n = 0;
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if (lab[i + nx * (j + ny * k)] === v) n++;
  return n;
}
// the axial slice with the most lung, and one low in the pelvis with the most bone
let kLung = 0, kBone = 0;
for (let k = 0; k < nz; k++) {
  if (count(k, 2) + count(k, 3) > count(kLung, 2) + count(kLung, 3)) kLung = k;
  if (k < nz / 3 && count(k, 4) > count(kBone, 4)) kBone = k;
}
const jSpine = Math.round(ny * 0.3);

type Panel = { w: number; h: number; at: (c: number, r: number) => number };
const axial = (k: number): Panel => ({ w: nx, h: ny, at: (c, r) => (flipX ? nx - 1 - c : c) + nx * ((ct.affine[5] > 0 ? ny - 1 - r : r) + ny * k) });
const coronal: Panel = { w: nx, h: nz, at: (c, r) => (flipX ? nx - 1 - c : c) + nx * (jSpine + ny * (ct.affine[10] > 0 ? nz - 1 - r : r)) };
const panels = [axial(kLung), axial(kBone), coronal];
const scale = 3, gap = 6;
const W = panels.reduce((a, p) => a + p.w * scale + gap, -gap), H = Math.max(...panels.map((p) => p.h)) * scale;
const rgb = new Uint8Array(W * H * 3);
let x0 = 0;
for (const p of panels) {
  for (let r = 0; r < p.h * scale; r++) for (let c = 0; c < p.w * scale; c++) {
    const i = p.at(Math.floor(c / scale), Math.floor(r / scale));
    const g = Math.max(0, Math.min(255, ((hu(i) + 950) / 1500) * 255));
    const col = COLORS[lab[i]];
    const o = 3 * (r * W + x0 + c);
    for (let ch = 0; ch < 3; ch++) rgb[o + ch] = col ? Math.round(0.55 * g + 0.45 * col[ch]) : g;
  }
  x0 += p.w * scale + gap;
}
writeFileSync('docs/images/auto-labels-a.png', png(W, H, rgb));
console.log(`docs/images/auto-labels-a.png ${W}×${H}: axial k=${kLung}, k=${kBone}, coronal j=${jSpine}`);

function png(w: number, h: number, data: Uint8Array): Uint8Array {
  const raw = new Uint8Array((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) raw.set(data.subarray(y * w * 3, (y + 1) * w * 3), y * (w * 3 + 1) + 1);
  const chunk = (type: string, body: Uint8Array): Uint8Array => {
    const out = new Uint8Array(12 + body.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, body.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(body, 8);
    dv.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, w); dv.setUint32(4, h); ihdr[8] = 8; ihdr[9] = 2;
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlibSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function crc32(b: Uint8Array): number {
  let c = ~0;
  for (const x of b) { c ^= x; for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1)); }
  return ~c >>> 0;
}
