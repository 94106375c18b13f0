/**
 * A load is atomic: when the viewer refuses what the engine accepted, nothing of it stays (engine,
 * store, viewer), and what was loaded before is untouched. The engine is the real one (no backend
 * needed to load); the viewer is a stand-in that refuses on demand.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Remote } from 'comlink';
import { gunzipSync } from 'fflate';
import { Engine } from '../core/engines/engine';
import { repoFile } from '../core/data/testing/repo-files';
import type { EngineApi } from '../worker/protocol';
import { AppController } from './controller';
import { useAppStore } from './store';
import type { LayerSpec, NiivueViewer } from './viewer/niivue-viewer';

class FakeViewer {
  refuse?: (spec: LayerSpec) => boolean;
  /** Fails after the scene has changed (as a later step of showing could). */
  failAfter?: (spec: LayerSpec) => boolean;
  scene: string[] = [];
  async showScene(image: LayerSpec, overlays: LayerSpec[] = []): Promise<void> {
    for (const s of [image, ...overlays]) if (this.refuse?.(s)) throw new Error('Image type not supported');
    this.scene = [image, ...overlays].map((s) => s.id);
    if (this.failAfter?.(image)) throw new Error('context lost');
  }
  async addLayer(spec: LayerSpec): Promise<void> {
    if (this.refuse?.(spec)) throw new Error('Image type not supported');
    this.scene = [...this.scene.filter((id) => id !== spec.id), spec.id];
  }
  removeLayer(id: string): void {
    this.scene = this.scene.filter((x) => x !== id);
  }
  hasLayer(id: string): boolean {
    return this.scene.includes(id);
  }
  state() {
    return [];
  }
}

const bytes = (rel: string) => {
  const b = repoFile(rel);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

function setup() {
  const engine = new Engine();
  const remote = {
    loadVolume: (files: never, opts: never) => engine.loadVolume(files, opts),
    removeVolume: async (id: string) => engine.removeVolume(id),
    volumes: async () => engine.volumes(),
  } as unknown as Remote<EngineApi>;
  const controller = new AppController(remote);
  const viewer = new FakeViewer();
  controller.attachViewer(viewer as unknown as NiivueViewer);
  return { engine, controller, viewer };
}

describe('AppController.loadVolume is atomic', () => {
  beforeEach(() => useAppStore.setState({ volumes: [], messages: [], activeImageId: undefined, busy: [] }));

  it('an image the viewer refuses leaves the engine, the store and the scene as they were', async () => {
    const { engine, controller, viewer } = setup();
    const ct = await controller.loadVolume(bytes('public/demo/ct.nii.gz'), { name: 'ct.nii.gz' });
    const lab = await controller.loadVolume(bytes('public/demo/labels-organs4.nii.gz'), { name: 'labels-organs4.nii.gz', role: 'label', imageId: ct.id });
    expect(viewer.scene).toEqual([ct.id, lab.id]);
    viewer.refuse = (s) => s.name === 'series.001';
    await expect(controller.loadVolume(bytes('test-data/mr-abdomen/mr.nii.gz'), { name: 'series.001' })).rejects.toThrow(
      /^series\.001 was read \(117×91×20\), but the viewer could not show it: Image type not supported\. It was not loaded; everything loaded before is as it was\.$/,
    );
    expect(engine.volumes().map((v) => v.id)).toEqual([ct.id, lab.id]);
    expect(useAppStore.getState().volumes.map((v) => v.id)).toEqual([ct.id, lab.id]);
    expect(useAppStore.getState().activeImageId).toBe(ct.id);
    expect(viewer.scene).toEqual([ct.id, lab.id]);
    expect(useAppStore.getState().messages.at(-1)).toMatchObject({ kind: 'error', text: expect.stringMatching(/^series\.001 was read/) });
  });

  it('a failure after the scene switched brings the previous scene back', async () => {
    const { engine, controller, viewer } = setup();
    const ct = await controller.loadVolume(bytes('public/demo/ct.nii.gz'), { name: 'ct.nii.gz' });
    const lab = await controller.loadVolume(bytes('public/demo/labels-organs4.nii.gz'), { name: 'labels-organs4.nii.gz', role: 'label', imageId: ct.id });
    viewer.failAfter = (s) => s.name === 'mr';
    await expect(controller.loadVolume(bytes('test-data/mr-abdomen/mr.nii.gz'), { name: 'mr' })).rejects.toThrow(/mr was read .* context lost\. It was not loaded/);
    expect(engine.volumes().map((v) => v.id)).toEqual([ct.id, lab.id]);
    expect(viewer.scene).toEqual([ct.id, lab.id]);
    expect(useAppStore.getState().activeImageId).toBe(ct.id);
  });

  it('a label map the viewer refuses is removed again; the image and its other labels stay', async () => {
    const { engine, controller, viewer } = setup();
    const ct = await controller.loadVolume(bytes('public/demo/ct.nii.gz'), { name: 'ct.nii.gz' });
    viewer.refuse = (s) => s.kind === 'label';
    await expect(controller.loadVolume(bytes('public/demo/labels-organs4.nii.gz'), { name: 'seg.001', role: 'label', imageId: ct.id })).rejects.toThrow(/seg\.001 was read.*It was not loaded/);
    expect(engine.volumes().map((v) => v.id)).toEqual([ct.id]);
    expect(useAppStore.getState().volumes.map((v) => v.id)).toEqual([ct.id]);
    expect(viewer.scene).toEqual([ct.id]);
  });

  it('a first image the viewer refuses leaves nothing at all', async () => {
    const { engine, controller, viewer } = setup();
    viewer.refuse = () => true;
    await expect(controller.loadVolume(bytes('public/demo/ct.nii.gz'), { name: 'ct.nii.gz' })).rejects.toThrow(/not loaded/);
    expect(engine.volumes()).toEqual([]);
    expect(useAppStore.getState()).toMatchObject({ volumes: [], activeImageId: undefined });
  });

  it("the reader's warnings reach the messages, after the 'Loaded' line", async () => {
    const { controller } = setup();
    const raw = gunzipSync(repoFile('test-data/mr-abdomen/mr.nii.gz'));
    const v = new DataView(raw.buffer);
    v.setInt16(252, 0, true); // qform_code
    v.setInt16(254, 0, true); // sform_code
    v.setFloat32(80, 0, true); // pixdim[1]
    const info = await controller.loadVolume(raw.buffer as ArrayBuffer, { name: 'mr-noxform.nii' });
    expect(info.warnings).toHaveLength(2);
    const msgs = useAppStore.getState().messages.slice(-3);
    expect(msgs[0]).toMatchObject({ kind: 'info', text: expect.stringMatching(/^Loaded mr-noxform\.nii .* with 2 warnings\.$/) });
    expect(msgs.slice(1).map((m) => m.kind)).toEqual(['warning', 'warning']);
    expect(msgs.slice(1).map((m) => m.text).join(' ')).toMatch(/voxel size 0 along i.*1 mm was assumed.*orientation is unknown/s);
  });
});

describe('AppController.removeVolume asks the engine first', () => {
  beforeEach(() => useAppStore.setState({ volumes: [], messages: [], activeImageId: undefined, busy: [] }));

  it('a scan in use by a training run stays in the engine, the list and the scene; the sentence is shown', async () => {
    const { engine, controller, viewer } = setup();
    await engine.init({ backends: ['wasm'] });
    const ct = await controller.loadVolume(bytes('public/demo/ct.nii.gz'), { name: 'ct.nii.gz' });
    const lab = await controller.loadVolume(bytes('public/demo/labels-organs4.nii.gz'), { name: 'labels-organs4.nii.gz', role: 'label', imageId: ct.id });
    await engine.train({ images: [ct.id], classes: [4], preset: 'tiny', iterations: 40, batchSize: 2, spacing: [12, 12, 12], errorMapEvery: 1000, validateEvery: 1000, runName: 'ui' });
    try {
      await expect(controller.removeVolume(ct.id)).rejects.toMatchObject({ code: 'busy', message: expect.stringMatching(/^ct\.nii\.gz is in use by the training run "ui"/) });
      expect(engine.volumes().map((v) => v.id)).toEqual([ct.id, lab.id]);
      expect(useAppStore.getState().volumes.map((v) => v.id)).toEqual([ct.id, lab.id]);
      expect(viewer.scene).toEqual([ct.id, lab.id]);
      expect(useAppStore.getState().messages.at(-1)).toMatchObject({ kind: 'error', text: expect.stringMatching(/stop the run before removing it\.$/) });
    } finally {
      await engine.stopTraining();
    }
    await controller.removeVolume(lab.id);
    expect(engine.volumes().map((v) => v.id)).toEqual([ct.id]);
    expect(viewer.scene).toEqual([ct.id]);
  });
});

describe('AppController.engineListener', () => {
  it('adds its listener once however often it is called, and the listener gets the events', async () => {
    let send: ((e: unknown) => Promise<void>) | undefined;
    const remote = {
      subscribe: async (cb: (e: unknown) => Promise<void>) => {
        send = cb;
      },
    } as unknown as Remote<EngineApi>;
    const controller = new AppController(remote);
    const added = vi.spyOn(controller, 'onEngineEvent');
    const seen: string[] = [];
    const listen = controller.engineListener((e) => void seen.push(e.type));
    await Promise.all([listen(), listen()]);
    await listen();
    expect(added).toHaveBeenCalledTimes(1);
    await send!({ type: 'labels-progress' });
    expect(seen).toEqual(['labels-progress']);
  });
});
