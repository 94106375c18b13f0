/**
 * Segmenting loaded scans with a model from the registry: the result becomes a label volume on the scan
 * (and, on request, a probability map), scored against a reference label map when one is attached.
 * One segmentation runs at a time; `cancel` stops it between tiles.
 */
import type { EngineEvent, SegmentOptions, SegmentResultInfo } from './contract';
import { labelArray } from '../data';
import { WorkbenchError } from '../errors';
import type { Device } from '../backend/device';
import type { ModelRegistry } from './models';
import { segmentVolume } from './predictor';
import { SingleRun } from './single-run';
import type { StoredVolume, VolumeStore } from './volume-store';

/**
 * "Probability of an organ" per voxel (× 255) from the winning class's probability: p where an organ won,
 * 1 − p where background won. With one organ class this is exactly p(organ); with several it is the
 * winning organ's probability inside organs and 1 − p(background) outside.
 */
export function organProbability(labels: Uint8Array, confidence: Uint8Array): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = labels[i] === 0 ? 255 - confidence[i] : confidence[i];
  return out;
}

export interface SegmentOutcome {
  info: SegmentResultInfo;
  label: StoredVolume;
  map?: StoredVolume;
}

export class Segmenter {
  private readonly current = new SingleRun('A segmentation is already running; wait for it or cancel it.');

  constructor(private readonly deps: { store: VolumeStore; models: ModelRegistry; device: () => Device; emit: (e: EngineEvent) => void | Promise<void> }) {}

  get busy(): boolean {
    return this.current.busy;
  }

  /** The default model: the first bundled one, else the latest trained one. */
  defaultModelId(): string {
    const list = this.deps.models.listModels();
    const pick = list.find((m) => m.source === 'bundled') ?? [...list].reverse().find((m) => m.source === 'trained') ?? list[0];
    if (!pick) throw new WorkbenchError('not-found', 'No model is available to segment with: train one, or load model files (model.json + weights.bin).');
    return pick.id;
  }

  /** Label maps attached to the image that came from files (not earlier segmentations): the reference. */
  private reference(imageId: string): StoredVolume | undefined {
    return this.deps.store.labelsOf(imageId).find((l) => l.info.origin !== 'segmentation');
  }

  segment(imageId: string, opts: SegmentOptions = {}): Promise<SegmentOutcome> {
    return this.current.run(async (signal) => {
      const image = this.deps.store.image(imageId, 'segment');
      const model = await this.deps.models.load(opts.model ?? this.defaultModelId());
      const ref = this.reference(imageId);
      const result = await segmentVolume({
        device: this.deps.device(),
        net: model.net,
        meta: model.meta,
        image: image.volume,
        postprocess: opts.postprocess ?? true,
        reference: ref ? { ...ref.volume, data: labelArray(ref.volume), scale: { slope: 1, inter: 0 } } : undefined,
        referenceNames: ref?.info.labels,
        confidence: opts.probabilities ?? false,
        modelName: model.info.name,
        signal,
        onProgress: (p) => void this.deps.emit({ type: 'segment-progress', imageId, ...p }),
      });
      const name = `${image.info.name.replace(/\.nii(\.gz)?$|\.dcm$/i, '')}-seg-${model.info.id}.nii.gz`;
      result.labels.name = name;
      const label = this.deps.store.add(result.labels, 'label', { imageId, labels: result.labelNames, origin: 'segmentation' });
      let map: StoredVolume | undefined;
      if (result.confidence) {
        const organ = organProbability(result.labels.data as Uint8Array, result.confidence.data as Uint8Array);
        map = this.deps.store.add({ ...result.confidence, name: name.replace('-seg-', '-organ-probability-'), data: organ }, 'map', { imageId });
      }
      const info: SegmentResultInfo = {
        labelId: label.info.id,
        labels: { ...result.labelNames },
        volumesMl: result.volumesMl,
        ms: result.ms,
        ...(result.dice ? { dice: result.dice, iou: result.iou } : {}),
        ...(map ? { mapId: map.info.id } : {}),
        ...(result.warnings.length ? { warnings: [...result.warnings] } : {}),
      };
      return { info, label, map };
    }, imageId);
  }

  /** The image being segmented, if any. */
  get imageId(): string | undefined {
    return this.current.subject;
  }

  /** Stops the running segmentation after its current tile (it rejects with a 'cancelled' error). */
  cancel(): boolean {
    return this.current.cancel();
  }
}
