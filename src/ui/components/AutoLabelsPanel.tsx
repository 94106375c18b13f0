import type { LabelsController } from '../labels-controller';
import { useAppStore } from '../store';
import { useAutoLabelsStore } from '../store/labels';

const STAGES = { check: 'checking the HU range', body: 'body', lungs: 'lungs', bone: 'bone' } as const;

/** "Label lungs and bone automatically": thresholds + morphology, no model, with progress and cancel. */
export function AutoLabelsPanel({ labels }: { labels: LabelsController }) {
  const active = useAppStore((s) => s.activeImageId);
  const running = useAutoLabelsStore((s) => s.running);
  const p = useAutoLabelsStore((s) => s.progress);
  return (
    <section data-testid="labels.panel">
      <h2>Labels without a model</h2>
      <button
        data-testid="labels.start"
        disabled={!active || running}
        title="Body, left and right lung and bone from HU thresholds and 3-D morphology; the result is a label map you can train on"
        onClick={() => active && void labels.makeLabels(active, { structures: ['body', 'lungs', 'bone'] }).catch(() => undefined)}
      >
        Label lungs and bone automatically
      </button>
      {running && (
        <div data-testid="labels.progress">
          <div className="progress"><div className="progress-bar" style={{ width: `${p ? ((100 * p.done) / p.total).toFixed(0) : 0}%` }} /></div>
          <div className="progress-text">
            {p ? `${STAGES[p.stage]} · step ${Math.min(p.done + 1, p.total)} of ${p.total}` : 'starting'}
            <button className="link" data-testid="labels.cancel" onClick={() => void labels.cancel()}>Cancel</button>
          </div>
        </div>
      )}
    </section>
  );
}
