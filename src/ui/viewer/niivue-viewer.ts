/**
 * The only module that talks to NiiVue. It shows one image with overlays (label maps, heat maps such as
 * the error map and the patch-centre density) in a 2×2 layout: axial, coronal, sagittal and a 3-D render.
 */
import { timed, timedSync } from '../timing';
import { Niivue, NVImage, SLICE_TYPE, SHOW_RENDER, MULTIPLANAR_TYPE } from '@niivue/niivue';
import { toNiivueLabelColormap, type LabelEntry, type NiivueLabelColormap } from './label-lut';

export type LayerKind = 'image' | 'label' | 'heat';

export interface LayerSpec {
  id: string;
  name: string;
  /** An uncompressed or gzipped NIfTI file. */
  nifti: ArrayBuffer;
  kind: LayerKind;
  labels?: Record<number, LabelEntry>;
  opacity?: number;
  calMin?: number;
  calMax?: number;
  colormap?: string;
}

export interface ViewerLayerState {
  id: string;
  name: string;
  kind: LayerKind;
  dims: number[];
  opacity: number;
  calMin: number;
  calMax: number;
  /** Mean voxel value as shown (heat overlays only), so scripts and tests can check what is on screen. */
  mean?: number;
  /** How NiiVue shows it: as a volume (the image and overlays) or as its drawing layer (see NiivueViewer.drawn). */
  shownAs: 'volume' | 'drawing';
}

interface Layer {
  spec: Omit<LayerSpec, 'nifti'>;
  image: NVImage;
}

function meanOf(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return a.length ? s / a.length : NaN;
}

/** E in [0, 1] as a byte (E × 255, rounded). */
function toByte(e: number): number {
  return Math.round(Math.min(1, Math.max(0, e)) * 255);
}

/** Lets the browser run other tasks (input, rendering) before going on. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export class NiivueViewer {
  private readonly nv: Niivue;
  private readonly layers: Layer[] = [];
  private attached = false;

  constructor() {
    this.nv = new Niivue({
      backColor: [0.07, 0.08, 0.1, 1],
      crosshairColor: [0.2, 0.8, 1, 0.6],
      isColorbar: true,
      show3Dcrosshair: true,
      dragAndDropEnabled: false,
      multiplanarShowRender: SHOW_RENDER.ALWAYS,
      multiplanarLayout: MULTIPLANAR_TYPE.GRID,
      isOrientCube: true,
      // CT is read in radiological convention: the patient's left on the screen's right.
      isRadiologicalConvention: true,
      logLevel: 'error',
      loadingText: 'Drop a scan here',
      isAntiAlias: false,
    });
  }

  async attach(canvas: HTMLCanvasElement): Promise<void> {
    if (this.attached) return;
    await this.nv.attachToCanvas(canvas);
    this.nv.setSliceType(SLICE_TYPE.MULTIPLANAR);
    this.attached = true;
  }

  get isAttached(): boolean {
    return this.attached;
  }

  /**
   * Replaces everything on screen with this image and its overlays, in order. Atomic: every layer is
   * parsed first, and if NiiVue refuses one, the scene on screen stays as it was and the error is thrown.
   */
  async showScene(image: LayerSpec, overlays: LayerSpec[] = []): Promise<void> {
    const made: { spec: LayerSpec; image: NVImage }[] = [];
    for (const spec of [image, ...overlays]) made.push({ spec, image: await this.makeImage(spec) });
    this.closeDrawn();
    for (const l of this.layers.splice(0)) this.nv.removeVolume(l.image);
    for (const m of made) this.placeLayer(m.spec, m.image);
  }

  /** Adds (or replaces, by id) one layer. If NiiVue refuses it, the scene is left as it was. */
  async addLayer(spec: LayerSpec): Promise<void> {
    const image = await timed(`viewer.parse.${spec.kind}`, () => this.makeImage(spec));
    if (this.hasLayer(spec.id)) this.removeLayer(spec.id);
    timedSync(`viewer.place.${spec.kind}`, () => this.placeLayer(spec, image));
  }

  /**
   * Parses a layer's NIfTI into a NiiVue image. NiiVue picks its reader from the name's extension (and
   * fetches a name it does not recognise as a URL), so it is handed "<id>.nii": the data is always the
   * NIfTI the engine wrote, whatever the user's file was called ("series.001", "CT.1.3.12.2").
   */
  private async makeImage(spec: LayerSpec): Promise<NVImage> {
    const colormap = spec.colormap ?? (spec.kind === 'heat' ? 'hot' : 'gray');
    const name = `${spec.id.replace(/[^A-Za-z0-9_-]/g, '_')}.nii`;
    const image = await NVImage.loadFromUrl({
      url: name,
      buffer: spec.nifti,
      name,
      colormap,
      opacity: spec.opacity ?? (spec.kind === 'image' ? 1 : 0.6),
      cal_min: spec.calMin ?? NaN,
      cal_max: spec.calMax ?? NaN,
      trustCalMinMax: spec.calMin !== undefined,
    });
    if (!image?.hdr || !image.img) throw new Error(`the viewer could not read the data of ${spec.name}`);
    if (spec.kind === 'label') {
      image.setColormapLabel(toNiivueLabelColormap(spec.labels ?? {}));
      image.colorbarVisible = false;
    }
    if (spec.kind === 'heat') image.colorbarVisible = true;
    return image;
  }

  private placeLayer(spec: LayerSpec, image: NVImage): void {
    const { nifti: _drop, ...rest } = spec;
    if (spec.kind === 'heat' && this.heatAsDrawing && !this.editing && !this.drawn && this.layers.length > 0) {
      this.drawn = { spec: rest, image };
      this.showHeatDrawing(spec.calMin ?? 0, spec.calMax ?? 1);
      return;
    }
    if (spec.kind === 'label' && !this.editing && !this.drawn && this.layers.length > 0 && this.labelAsDrawing(image)) {
      this.drawn = { spec: rest, image };
      this.showLabelDrawing();
      return;
    }
    this.layers.push({ spec: rest, image });
    this.nv.addVolume(image);
  }

  removeLayer(id: string): void {
    if (this.drawn?.spec.id === id) return this.closeDrawn();
    const i = this.layers.findIndex((l) => l.spec.id === id);
    if (i < 0) return;
    const [l] = this.layers.splice(i, 1);
    this.nv.removeVolume(l.image);
  }

  hasLayer(id: string): boolean {
    return this.drawn?.spec.id === id || this.layers.some((l) => l.spec.id === id);
  }

  /** Intensity window of the base image (e.g. a CT window in HU). */
  setWindow(min: number, max: number): void {
    const base = this.layers[0];
    if (!base) return;
    base.image.cal_min = min;
    base.image.cal_max = max;
    this.nv.updateGLVolume();
  }

  setOpacity(id: string, opacity: number): void {
    if (this.drawn?.spec.id === id) {
      this.drawn.image.opacity = opacity;
      this.nv.setDrawOpacity(opacity);
      return;
    }
    const i = this.layers.findIndex((l) => l.spec.id === id);
    if (i < 0) return;
    this.nv.setOpacity(i, opacity);
  }

  /**
   * Replaces an overlay's voxels in place (same grid), for live error-map updates. Only the overlays are
   * re-composited: NiiVue's updateGLVolume would also re-upload the base image and recompute its gradient
   * texture for the 3-D render, which on a software GL takes most of a second. Overlays are blended in order
   * into one texture, so every overlay is re-composited; each in its own task, then the frame in another, so
   * that no single task holds the UI thread for long (on SwiftShader, measured ~130–230 ms per overlay on a
   * 122×101×112 scan and ~50–100 ms per frame: together they made one ~300–370 ms task).
   */
  async updateLayerData(id: string, data: ArrayLike<number>, scale = 1): Promise<void> {
    if (this.drawn?.spec.id === id && this.drawn.spec.kind === 'heat') return this.updateHeatDrawing(data, scale);
    const i = this.layers.findIndex((x) => x.spec.id === id);
    const l = this.layers[i];
    if (!l || !l.image.img) return;
    const img = l.image.img;
    if (img.length !== data.length) throw new Error(`layer ${id} has ${img.length} voxels, update has ${data.length}`);
    if (scale === 1) img.set(data as ArrayLike<number>);
    else for (let k = 0; k < data.length; k++) img[k] = data[k] * scale;
    if (i === 0 || this.nv.volumes.length !== this.layers.length) {
      this.nv.updateGLVolume();
      return;
    }
    const volumes = [...this.nv.volumes];
    for (let k = 1; k < volumes.length; k++) {
      // The scene changed meanwhile (a layer added or removed): NiiVue re-composited it itself.
      if (this.nv.volumes[k] !== volumes[k] || this.nv.volumes.length !== volumes.length) return;
      this.nv.refreshLayers(volumes[k], k);
      this.waitForGpu();
      await nextTask();
    }
    this.nv.drawScene();
    this.waitForGpu();
  }

  /**
   * Blocks until the GL has done the work queued so far. gl.finish() returns early on Chromium's ANGLE over
   * SwiftShader (the work then lands in the next frame, as one long task); reading back a pixel does wait.
   */
  private waitForGpu(): void {
    const gl = this.nv.gl;
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, this.pixel);
  }

  private readonly pixel = new Uint8Array(4);

  state(): ViewerLayerState[] {
    return [...this.layers, ...(this.drawn ? [this.drawn] : [])].map((l) => ({
      shownAs: l === this.drawn ? ('drawing' as const) : ('volume' as const),
      id: l.spec.id,
      name: l.spec.name,
      kind: l.spec.kind,
      dims: Array.from(l.image.hdr?.dims ?? []).slice(1, 4),
      opacity: l.image.opacity,
      calMin: l.image.cal_min ?? NaN,
      calMax: l.image.cal_max ?? NaN,
      ...(l.spec.kind === 'heat' && l.image.img ? { mean: meanOf(l.image.img) } : {}),
    }));
  }

  /**
   * Shows or hides the 3-D render pane of the 2×2 layout. On a software adapter each frame of the render
   * pane costs the UI thread ~0.3–1 s, so it pauses while training runs there.
   */
  setRenderPane(show: boolean): void {
    const want = show ? SHOW_RENDER.ALWAYS : SHOW_RENDER.NEVER;
    if (this.nv.opts.multiplanarShowRender === want) return;
    this.nv.opts.multiplanarShowRender = want;
    this.nv.setSliceType(SLICE_TYPE.MULTIPLANAR);
  }

  // ---- One layer shown as NiiVue's drawing layer: a heat map while training, or a large label map, on a software GL ----

  private heatAsDrawing = false;
  /**
   * The layer shown as the drawing layer, if any (not one of `layers`: NiiVue has no volume for it): a heat
   * map in the light view (setHeatAsDrawing), or a large label map on a software GL (labelAsDrawing).
   */
  private drawn?: Layer;

  /**
   * Label maps of more voxels than this go to the drawing layer on a software GL (SwiftShader, llvmpipe),
   * when it is free. Adding an overlay volume makes NiiVue re-composite every layer into a 3-D texture of the
   * whole scan (and recompute the base image's gradients for the 3-D render): on SwiftShader, measured
   * (bench/results/segment-path.json) 12 s for a 512×512×100 segmentation and 32 s for 512×512×275, against
   * ~0.2 s for the 122×101×112 demo. The drawing layer is one uint8 texture upload. Small label maps stay
   * overlays, which also leaves the drawing layer to the error map while training.
   */
  static readonly LABEL_AS_DRAWING_VOXELS = 4_000_000;

  private softwareGlCache?: boolean;

  /** Whether NiiVue's WebGL runs on a software rasteriser (then every re-composite is slow). */
  private get softwareGl(): boolean {
    if (this.softwareGlCache === undefined) {
      const gl = this.nv.gl;
      const ext = gl?.getExtension('WEBGL_debug_renderer_info');
      const r = gl ? String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : '';
      this.softwareGlCache = /swiftshader|llvmpipe|lavapipe|software|basic render|warp/i.test(r);
    }
    return this.softwareGlCache;
  }

  private labelAsDrawing(image: NVImage): boolean {
    return this.softwareGl && (image.img?.length ?? 0) > NiivueViewer.LABEL_AS_DRAWING_VOXELS;
  }

  private showLabelDrawing(): void {
    const l = this.drawn!;
    this.setDrawColormap(toNiivueLabelColormap(l.spec.labels ?? {}));
    this.nv.setDrawOpacity(l.image.opacity);
    if (!this.nv.loadDrawing(l.image)) throw new Error(`layer ${l.spec.id} is not on the background image's grid`);
  }

  /**
   * Shows heat overlays (one at a time: the one on screen, and those added from now on) as NiiVue's drawing layer rather than as an
   * overlay volume. An overlay volume is re-composited into a 3-D texture of the whole scan on every
   * change (on SwiftShader ~130–250 ms of one task for a 122×101×112 scan, seconds for a 512×512×300 one);
   * the drawing layer is a uint8 texture uploaded as it is and coloured when the slices are drawn, so a
   * live error-map update costs an upload and a frame. E is quantised to 1/255, as the API delivers it.
   * When a large label map holds the drawing layer, the heat overlay stays an overlay volume.
   */
  setHeatAsDrawing(on: boolean): void {
    this.heatAsDrawing = on;
    if (on && !this.drawn && !this.editing && this.layers.length > 1) {
      // A heat overlay already on screen moves to the drawing layer: one upload, no scene rebuild.
      const i = this.layers.findIndex((l, k) => k > 0 && l.spec.kind === 'heat');
      if (i < 0) return;
      const [l] = this.layers.splice(i, 1);
      this.nv.removeVolume(l.image);
      this.drawn = l;
      this.showHeatDrawing(l.spec.calMin ?? 0, l.spec.calMax ?? 1);
    } else if (!on && this.drawn?.spec.kind === 'heat') {
      // And back: the layer (which kept E) becomes an overlay volume again, composited once.
      const l = this.drawn;
      this.closeDrawn();
      this.layers.push(l);
      this.nv.addVolume(l.image);
    }
  }

  private showHeatDrawing(calMin: number, calMax: number): void {
    const hot = this.nv.colormap('hot');
    const lut: NiivueLabelColormap = { R: [], G: [], B: [], A: [], I: [], labels: [] };
    for (let i = 0; i < 256; i++) {
      const e = i / 255;
      const k = Math.round(255 * Math.min(1, Math.max(0, (e - calMin) / (calMax - calMin))));
      lut.R.push(hot[4 * k]);
      lut.G.push(hot[4 * k + 1]);
      lut.B.push(hot[4 * k + 2]);
      lut.A.push(e < calMin ? 0 : 255);
      lut.I.push(i);
      lut.labels.push('');
    }
    this.setDrawColormap(lut);
    this.nv.setDrawOpacity(this.drawn!.image.opacity);
    // A plain loop: Uint8Array.from(img, toByte) took ~0.5 s of one task for 1.4 M voxels on a loaded machine.
    const img = this.drawn!.image.img!;
    const bitmap = new Uint8Array(img.length);
    for (let k = 0; k < img.length; k++) bitmap[k] = toByte(img[k]);
    this.loadHeatBitmap(bitmap);
  }

  /**
   * The drawing layer's colours. NiiVue's setDrawColormap looks a name up among its built-in colour maps
   * only (not those added with addColormap), but its lookup takes a colour-map object as well.
   */
  private setDrawColormap(lut: NiivueLabelColormap): void {
    this.nv.setDrawColormap(lut as unknown as string);
  }

  /** `bitmap`: E × 255 per voxel in the file's voxel order (loadDrawing reorders it to NiiVue's RAS order). */
  private loadHeatBitmap(bitmap: Uint8Array): void {
    const l = this.drawn!;
    const drawing = { hdr: l.image.hdr, permRAS: l.image.permRAS, img: bitmap } as unknown as NVImage;
    if (!this.nv.loadDrawing(drawing)) throw new Error(`layer ${l.spec.id} is not on the background image's grid`);
  }

  private async updateHeatDrawing(data: ArrayLike<number>, scale: number): Promise<void> {
    const img = this.drawn!.image.img!;
    if (img.length !== data.length) throw new Error(`layer ${this.drawn!.spec.id} has ${img.length} voxels, update has ${data.length}`);
    // The layer keeps E itself (for state()); the drawing gets E × 255, which is what arrives for the error map.
    const asBitmap = data instanceof Uint8Array && scale === 1 / 255;
    const bitmap = asBitmap ? data : new Uint8Array(data.length);
    for (let k = 0; k < data.length; k++) {
      img[k] = data[k] * scale;
      if (!asBitmap) bitmap[k] = toByte(img[k]);
    }
    this.loadHeatBitmap(bitmap);
    this.waitForGpu();
  }

  /** Takes the drawn layer off the screen. */
  private closeDrawn(): void {
    if (!this.drawn) return;
    this.drawn = undefined;
    this.nv.closeDrawing();
  }

  /**
   * Frees the drawing layer for an edit of another label map: a drawn heat map leaves the screen (as
   * before), a drawn label map becomes an overlay volume (one re-composite).
   */
  private releaseDrawing(): void {
    const l = this.drawn;
    if (!l) return;
    this.closeDrawn();
    if (l.spec.kind === 'label') {
      this.layers.push(l);
      this.nv.addVolume(l.image);
    }
  }

  // ---- Editing a label map with NiiVue's drawing tools (pen, filled pen, erase, undo) ----

  private editing?: { id: string; opacity: number };

  /**
   * Starts editing a label layer: its voxels become NiiVue's drawing, coloured by its label table. A label
   * map that is the drawing layer (a large one on a software GL) becomes an overlay volume for the edit,
   * and the drawing layer again when the edited map replaces it.
   */
  beginEdit(id: string): void {
    if (this.editing) this.cancelEdit();
    this.releaseDrawing();
    const i = this.layers.findIndex((l) => l.spec.id === id);
    const l = this.layers[i];
    if (!l || l.spec.kind !== 'label') throw new Error(`layer ${id} is not a label map on screen`);
    this.setDrawColormap(toNiivueLabelColormap(l.spec.labels ?? {}));
    if (!this.nv.loadDrawing(l.image)) throw new Error(`layer ${id} is not on the background image's grid`);
    this.editing = { id, opacity: l.image.opacity };
    this.nv.setOpacity(i, 0);
    this.nv.setDrawOpacity(0.7);
    this.nv.setDrawingEnabled(true);
  }

  get editingId(): string | undefined {
    return this.editing?.id;
  }

  /** Pen value = label (0 erases); `filled` closes the stroke and fills it. */
  setPen(value: number, filled: boolean): void {
    this.nv.setPenValue(value, filled);
  }

  undo(): void {
    this.nv.drawUndo();
  }

  /** Ends editing and returns the edited label map as a NIfTI on the label map's own grid (uint8). */
  async finishEdit(): Promise<ArrayBuffer> {
    const e = this.editing;
    const bitmap = this.nv.drawBitmap;
    if (!e || !bitmap) throw new Error('no edit in progress');
    const bytes = await this.nv.volumes[0].saveToUint8Array('edited.nii', bitmap);
    this.endEdit();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  cancelEdit(): void {
    this.endEdit();
  }

  private endEdit(): void {
    const e = this.editing;
    this.editing = undefined;
    this.nv.setDrawingEnabled(false);
    this.nv.closeDrawing();
    if (!e) return;
    const i = this.layers.findIndex((l) => l.spec.id === e.id);
    if (i >= 0) this.nv.setOpacity(i, e.opacity);
  }
}
