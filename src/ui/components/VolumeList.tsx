import { useAppStore } from '../store';
import type { AppController } from '../controller';

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

export function VolumeList({ controller }: { controller: AppController }) {
  const volumes = useAppStore((s) => s.volumes);
  const active = useAppStore((s) => s.activeImageId);
  const images = volumes.filter((v) => v.role === 'image');
  if (volumes.length === 0) return <p className="muted" data-testid="volumes.empty">No scans loaded.</p>;
  return (
    <ul className="volume-list" data-testid="volumes.list">
      {images.map((img) => (
        <li key={img.id} className={img.id === active ? 'active' : ''} data-testid="volumes.item">
          <div className="volume-row" onClick={() => void controller.show(img.id)}>
            <span className="volume-name" title={img.name}>{img.name}</span>
            <button className="icon" title={`Remove ${img.name} and its label maps`} onClick={(e) => { e.stopPropagation(); void controller.removeVolume(img.id).catch(() => undefined); }}>×</button>
          </div>
          <div className="volume-meta">{img.dims.join('×')} · {img.spacing.map(fmt).join('×')} mm · {fmt(img.min)}…{fmt(img.max)}</div>
          {volumes.filter((l) => l.role === 'label' && l.imageId === img.id).map((l) => (
            <div key={l.id} className="volume-label" data-testid="volumes.label">
              <span title={l.name}>↳ {l.name} ({Object.keys(l.labels ?? {}).length} labels)</span>
              <button className="icon" title={`Remove ${l.name}`} onClick={() => void controller.removeVolume(l.id).catch(() => undefined)}>×</button>
            </div>
          ))}
        </li>
      ))}
    </ul>
  );
}
