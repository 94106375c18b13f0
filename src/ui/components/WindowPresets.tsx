import { useAppStore, WINDOW_PRESETS } from '../store';
import type { AppController } from '../controller';
import type { WindowPreset } from '../../api/types';

export function WindowPresets({ controller }: { controller: AppController }) {
  const current = useAppStore((s) => s.window);
  const presets: [WindowPreset, string][] = [
    ...(Object.entries(WINDOW_PRESETS).map(([k, v]) => [k as WindowPreset, v.label]) as [WindowPreset, string][]),
    ['full', 'Full range'],
  ];
  return (
    <div className="button-group" role="group" aria-label="CT window">
      {presets.map(([k, label]) => (
        <button key={k} className={current === k ? 'selected' : ''} data-testid={`window.${k}`} onClick={() => controller.setWindow(k)}>
          {label}
        </button>
      ))}
    </div>
  );
}
