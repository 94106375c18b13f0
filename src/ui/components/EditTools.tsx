import { useState } from 'react';
import type { SegmentController } from '../segment-controller';
import { useAppStore } from '../store';
import { useSegmentationStore } from '../store/segmentation';
import { defaultLabelColor } from '../../core/data/labels';

type Tool = 'pen' | 'fill' | 'erase';

/** NiiVue's drawing tools on a label map: pen, filled pen, erase, undo; then keep or discard. */
export function EditTools({ segment }: { segment: SegmentController }) {
  const editing = useSegmentationStore((s) => s.editing);
  const info = useAppStore((s) => s.volumes.find((v) => v.id === editing));
  const labels = Object.entries(info?.labels ?? {}).map(([k, n]) => [Number(k), n] as const);
  const [tool, setTool] = useState<Tool>('pen');
  const [label, setLabel] = useState<number>(labels[0]?.[0] ?? 1);
  if (!editing || !info) return null;
  const apply = (t: Tool, l: number) => {
    setTool(t);
    setLabel(l);
    segment.setPen(t === 'erase' ? 0 : l, t === 'fill');
  };
  return (
    <div className="edit-tools" data-testid="edit.tools">
      <div className="field-title">Correcting {info.name}: drag on a slice</div>
      <div className="button-group small">
        {(['pen', 'fill', 'erase'] as Tool[]).map((t) => (
          <button key={t} className={tool === t ? 'selected' : ''} data-testid={`edit.${t}`} onClick={() => apply(t, label)}>{t}</button>
        ))}
        <button data-testid="edit.undo" onClick={() => segment.undo()}>undo</button>
      </div>
      <div className="chips">
        {labels.map(([k, n]) => (
          <button key={k} className={`chip ${label === k ? 'selected' : ''}`} data-testid={`edit.label.${k}`} onClick={() => apply(tool === 'erase' ? 'pen' : tool, k)}>
            <span className="swatch" style={{ background: `rgb(${defaultLabelColor(k).join(',')})` }} /> {n}
          </button>
        ))}
      </div>
      <div className="button-group">
        <button className="primary" data-testid="edit.apply" onClick={() => void segment.applyEdit()}>Keep edits</button>
        <button data-testid="edit.cancel" onClick={() => segment.cancelEdit()}>Discard</button>
      </div>
    </div>
  );
}
