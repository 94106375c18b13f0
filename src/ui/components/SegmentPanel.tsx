import { useRef } from 'react';
import type { AppController } from '../controller';
import type { SegmentController } from '../segment-controller';
import { useAppStore } from '../store';
import { useSegmentationStore } from '../store/segmentation';
import { EditTools } from './EditTools';
import { SegmentResults } from './SegmentResults';

function ModelPicker({ segment }: { segment: SegmentController }) {
  const models = useSegmentationStore((s) => s.models);
  const selected = useSegmentationStore((s) => s.selectedModel);
  const select = useSegmentationStore((s) => s.selectModel);
  const upload = useRef<HTMLInputElement>(null);
  const m = models.find((x) => x.id === selected);
  return (
    <div>
      <div className="row">
        <select value={selected ?? ''} data-testid="segment.model" onChange={(e) => select(e.currentTarget.value)} disabled={models.length === 0}>
          {models.length === 0 && <option value="">No models yet</option>}
          {models.map((x) => (
            <option key={x.id} value={x.id}>{x.name} ({x.source})</option>
          ))}
        </select>
        <button title="Load a model: model.json and its weights.bin" data-testid="segment.model.load" onClick={() => upload.current?.click()}>Load…</button>
        <input ref={upload} type="file" multiple hidden accept=".json,.bin" data-testid="segment.model.input" onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? []);
          e.currentTarget.value = '';
          if (files.length) void segment.loadModelFiles(files).catch(() => undefined);
        }} />
      </div>
      {m && (
        <div className="model-meta" data-testid="segment.model.meta">
          {m.classes.slice(1).join(', ')} · {m.spacingMm.map((s) => +s.toFixed(2)).join('×')} mm · {m.preset} ({m.parameters?.toLocaleString()} params)
          {m.provenance && <div>trained {m.provenance.date?.slice(0, 10) ?? ''} on {m.provenance.data ?? '—'}{m.provenance.iterations ? `, ${m.provenance.iterations} iterations` : ''}, seed {m.provenance.seed}</div>}
          <div className="button-group small">
            <button onClick={() => void segment.saveModel(m.id).catch(() => undefined)} title="Keep it in this browser (IndexedDB)">Save in browser</button>
            <button onClick={() => void segment.downloadModel(m.id)} title="model.json + weights.bin (tfjs format)">Download</button>
          </div>
        </div>
      )}
    </div>
  );
}

function Progress({ segment }: { segment: SegmentController }) {
  const p = useSegmentationStore((s) => s.progress);
  const running = useSegmentationStore((s) => s.running);
  if (!running) return null;
  const frac = p && p.tilesTotal ? p.tilesDone / p.tilesTotal : 0;
  return (
    <div data-testid="segment.progress">
      <div className="progress"><div className="progress-bar" style={{ width: `${(frac * 100).toFixed(1)}%` }} /></div>
      <div className="progress-text">
        {p ? `${p.stage} · ${p.tilesDone}/${p.tilesTotal} tiles` : 'preparing'}
        {p?.etaMs !== undefined && ` · ${Math.ceil(p.etaMs / 1000)} s left`}
        <button className="link" data-testid="segment.cancel" onClick={() => void segment.cancel()}>Cancel</button>
      </div>
    </div>
  );
}

export function SegmentPanel({ controller, segment }: { controller: AppController; segment: SegmentController }) {
  const active = useAppStore((s) => s.activeImageId);
  const running = useSegmentationStore((s) => s.running);
  const hasModel = useSegmentationStore((s) => s.models.length > 0);
  const post = useRef<HTMLInputElement>(null);
  const prob = useRef<HTMLInputElement>(null);
  void controller;
  return (
    <section data-testid="segment.panel">
      <h2>Segment</h2>
      <ModelPicker segment={segment} />
      <label className="check"><input ref={post} type="checkbox" defaultChecked data-testid="segment.postprocess" /> Keep the largest connected part of each organ</label>
      <label className="check"><input ref={prob} type="checkbox" data-testid="segment.probabilities" /> Probability map</label>
      <button
        className="primary"
        data-testid="segment.start"
        disabled={!active || running || !hasModel}
        onClick={() => active && void segment.segment(active, { postprocess: post.current?.checked ?? true, probabilities: prob.current?.checked ?? false }).catch(() => undefined)}
      >
        Segment the scan on screen
      </button>
      <Progress segment={segment} />
      <SegmentResults segment={segment} />
      <EditTools segment={segment} />
    </section>
  );
}
