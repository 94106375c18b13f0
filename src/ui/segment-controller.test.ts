/**
 * The segmentation's warnings reach the UI the way a load's do: a summary line that counts them, then one
 * warning message each. The engine is the real one on the wasm backend, with a built model that always
 * answers background, segmenting a 3-slice slab of the demo CT (no viewer attached).
 */
import type { Remote } from 'comlink';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNifti, writeNifti } from '../core/data';
import { repoFile } from '../core/data/testing/repo-files';
import { Engine } from '../core/engines/engine';
import { slabOf } from '../core/data/testing/slab';
import { backgroundOnlyModel } from '../core/engines/testing/built-models';
import type { EngineApi } from '../worker/protocol';
import { AppController } from './controller';
import { SegmentController } from './segment-controller';
import { useAppStore } from './store';

describe('SegmentController: warnings of a segmentation', () => {
  const engine = new Engine();
  beforeAll(async () => {
    await engine.init({ backends: ['wasm'] });
  });

  it('a thin slab segmented to nothing: "with 2 warnings", then the two sentences', async () => {
    const remote = {
      subscribe: async () => undefined,
      models: async () => engine.models(),
      segment: (id: string, opts: never) => engine.segment(id, opts),
      statistics: (id: string) => engine.statistics(id),
    } as unknown as Remote<EngineApi>;
    const segmenter = new SegmentController(new AppController(remote));
    const model = backgroundOnlyModel(engine);
    const bytes = writeNifti(slabOf(readNifti(repoFile('public/demo/ct.nii.gz'), 'ct.nii.gz'), 50, 3), { gzip: false });
    const { info } = await engine.loadVolume([{ name: 'slab.nii', bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }]);
    useAppStore.setState({ messages: [] });
    const result = await segmenter.segment(info.id, { model });
    expect(result.warnings).toHaveLength(2);
    const msgs = useAppStore.getState().messages;
    expect(msgs.map((m) => m.kind)).toEqual(['info', 'warning', 'warning']);
    expect(msgs[0].text).toMatch(/^Segmented in \d+\.\d s with 2 warnings\.$/);
    expect(msgs[1].text).toMatch(/^slab\.nii is only 9 mm long along z/);
    expect(msgs[2].text).toMatch(/found none of its classes/);
  });
});
