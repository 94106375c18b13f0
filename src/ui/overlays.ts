/**
 * Live overlays from training: the error map E (hot colours, E × 255) and the density of accepted patch
 * centres, per training image. They are kept for every image and shown on the one on screen.
 */
import type { VolumeInfo } from '../api/types';
import { writeNifti, type Volume } from '../core/data';
import type { NiivueViewer } from './viewer/niivue-viewer';

export type OverlayKind = 'error' | 'density';

export interface OverlaySettings {
  showError: boolean;
  errorOpacity: number;
  showDensity: boolean;
}

interface Field {
  dims: [number, number, number];
  data: Uint8Array;
  iteration: number;
}

export function overlayId(kind: OverlayKind, imageId: string): string {
  return `${kind}:${imageId}`;
}

/**
 * A uint8 field on an image's grid as a float32 NIfTI of `data × scale` (for the viewer). Float values
 * rather than a scale slope: NiiVue compares an overlay's raw voxels with its display range.
 */
export function fieldNifti(info: VolumeInfo, name: string, data: Uint8Array, scale = 1): ArrayBuffer {
  const values = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) values[i] = data[i] * scale;
  const v: Volume = {
    name,
    dims: [...info.dims],
    spacing: [...info.spacing],
    affine: Float64Array.from(info.affine),
    data: values,
    scale: { slope: 1, inter: 0 },
  };
  const bytes = writeNifti(v, { gzip: false });
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export class OverlayManager {
  private readonly fields = new Map<string, Field>();
  settings: OverlaySettings = { showError: true, errorOpacity: 0.55, showDensity: false };

  constructor(private readonly viewer: () => NiivueViewer | undefined) {}

  latest(kind: OverlayKind, imageId: string): Field | undefined {
    return this.fields.get(overlayId(kind, imageId));
  }

  private wanted(kind: OverlayKind): boolean {
    return kind === 'error' ? this.settings.showError : this.settings.showDensity;
  }

  /** Stores a new field and shows it if its image is on screen. */
  async update(kind: OverlayKind, image: VolumeInfo, data: Uint8Array, iteration: number, onScreen: boolean): Promise<void> {
    const id = overlayId(kind, image.id);
    this.fields.set(id, { dims: [...image.dims], data, iteration });
    const v = this.viewer();
    if (!v || !onScreen || !this.wanted(kind)) return;
    if (v.hasLayer(id)) await v.updateLayerData(id, data, kind === 'error' ? 1 / 255 : 1);
    else await this.addLayer(kind, image);
  }

  private async addLayer(kind: OverlayKind, image: VolumeInfo): Promise<void> {
    const v = this.viewer();
    const f = this.fields.get(overlayId(kind, image.id));
    if (!v || !f) return;
    await v.addLayer({
      id: overlayId(kind, image.id),
      name: kind === 'error' ? `error map of ${image.name}` : `patch centres in ${image.name}`,
      // E arrives as E × 255; the overlay holds E itself, so the colour bar reads E in [0, 1].
      nifti: fieldNifti(image, kind, f.data, kind === 'error' ? 1 / 255 : 1),
      kind: 'heat',
      colormap: kind === 'error' ? 'hot' : 'electric',
      calMin: kind === 'error' ? 0.03 : 1,
      // E = 1 (not yet evaluated, or wrong) shows light yellow rather than the colour map's white end.
      calMax: kind === 'error' ? 1.2 : 255,
      opacity: kind === 'error' ? this.settings.errorOpacity : 0.8,
    });
  }

  /** Re-adds the wanted overlays of `image` after the scene was rebuilt, and removes unwanted ones. */
  async refresh(image: VolumeInfo | undefined): Promise<void> {
    const v = this.viewer();
    if (!v || !image) return;
    for (const kind of ['error', 'density'] as const) {
      const id = overlayId(kind, image.id);
      if (this.wanted(kind) && this.fields.has(id)) {
        if (!v.hasLayer(id)) await this.addLayer(kind, image);
      } else v.removeLayer(id);
    }
    if (v.hasLayer(overlayId('error', image.id))) v.setOpacity(overlayId('error', image.id), this.settings.errorOpacity);
  }

  forget(imageId: string): void {
    this.fields.delete(overlayId('error', imageId));
    this.fields.delete(overlayId('density', imageId));
  }
}
