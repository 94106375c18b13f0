import { useEffect, useRef } from 'react';
import type { AppController } from '../controller';
import { NiivueViewer } from '../viewer/niivue-viewer';
import { useAppStore } from '../store';

export function ViewerPanel({ controller }: { controller: AppController }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const hasImage = useAppStore((s) => s.activeImageId !== undefined);
  const busy = useAppStore((s) => s.busy);
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const viewer = new NiivueViewer();
    let cancelled = false;
    void viewer.attach(c).then(() => {
      if (!cancelled) controller.attachViewer(viewer);
    });
    return () => {
      cancelled = true;
    };
  }, [controller]);
  return (
    <div className="viewer" data-testid="viewer">
      <canvas ref={canvas} data-testid="viewer.canvas" />
      {!hasImage && busy.length === 0 && <div className="viewer-hint">Drop a CT scan (NIfTI or a DICOM folder) anywhere on the page</div>}
      {busy.length > 0 && <div className="viewer-busy" data-testid="viewer.busy">{busy[busy.length - 1]}…</div>}
    </div>
  );
}
