import { useState } from 'react';
import type { AppController } from '../controller';
import { useTrainingStore } from '../store/training';
import { useAppStore } from '../store';

/** Error map (hot) with its opacity, and the density of accepted patch centres, for the scan on screen. */
export function OverlayControls({ controller }: { controller: AppController }) {
  const [s, setS] = useState(controller.overlays.settings);
  const active = useAppStore((st) => st.activeImageId);
  const iteration = useTrainingStore((st) => (active ? st.errorMapIteration[active] : undefined));
  const apply = (p: Partial<typeof s>) => {
    const next = { ...s, ...p };
    setS(next);
    void controller.setOverlaySettings(p);
  };
  return (
    <div className="overlay-controls">
      <label className="check">
        <input type="checkbox" checked={s.showError} data-testid="overlay.error" onChange={(e) => apply({ showError: e.currentTarget.checked })} />
        Error map E = 1 − p<sub>true</sub> {iteration !== undefined && <span className="muted">(iteration {iteration})</span>}
      </label>
      <label className="field slider">
        opacity
        <input type="range" min={0} max={1} step={0.05} value={s.errorOpacity} data-testid="overlay.error.opacity" onChange={(e) => apply({ errorOpacity: Number(e.currentTarget.value) })} />
      </label>
      <label className="check">
        <input type="checkbox" checked={s.showDensity} data-testid="overlay.density" onChange={(e) => apply({ showDensity: e.currentTarget.checked })} />
        Accepted patch centres
      </label>
    </div>
  );
}
