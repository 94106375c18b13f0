import { useAppStore } from '../store';
import { defaultLabelColor } from '../../core/data/labels';

export function LabelLegend() {
  const volumes = useAppStore((s) => s.volumes);
  const active = useAppStore((s) => s.activeImageId);
  const labelMaps = volumes.filter((v) => v.role === 'label' && v.imageId === active);
  if (labelMaps.length === 0) return null;
  return (
    <div className="legend" data-testid="labels.legend">
      {labelMaps.map((lm) => {
        const entries = Object.entries(lm.labels ?? {}).map(([k, name]) => [Number(k), name] as const);
        return (
          <div key={lm.id}>
            <div className="legend-title">{lm.name}</div>
            {entries.map(([k, name]) => (
              <div key={k} className="legend-item">
                <span className="swatch" style={{ background: `rgb(${defaultLabelColor(k).join(',')})` }} />
                {k}: {name}
              </div>
            ))}
          </div>
        );
      })}
    </div>
  );
}
