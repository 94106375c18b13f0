import type { AppController } from '../controller';
import type { TrainingController } from '../training-controller';
import { useTrainingStore } from '../store/training';
import { TrainingForm } from './TrainingForm';
import { TrainingProgress } from './TrainingProgress';
import { TrainingCharts } from './TrainingCharts';
import { OverlayControls } from './OverlayControls';

export function TrainingPanel({ controller, training }: { controller: AppController; training: TrainingController }) {
  const state = useTrainingStore((s) => s.status.state);
  const lastRun = useTrainingStore((s) => s.runs.at(-1));
  const busy = state === 'running' || state === 'paused';
  const compare = () => {
    if (!lastRun) return;
    const other = lastRun.options.sampler === 'uniform' ? 'isample' : 'uniform';
    void training.train({ ...lastRun.options, sampler: other, runName: undefined }).catch(() => undefined);
  };
  return (
    <section data-testid="train.panel">
      <h2>Train</h2>
      <div className="button-group">
        <button className="primary" data-testid="train.demo" disabled={busy} onClick={() => void training.trainOnDemo().catch(() => undefined)}>
          Train on the demo scan
        </button>
        {lastRun && !busy && (
          <button data-testid="train.compare" onClick={compare} title="Same scans, seed and budget with the other sampler">
            Compare with {lastRun.options.sampler === 'uniform' ? 'isample' : 'uniform'}
          </button>
        )}
      </div>
      <TrainingProgress training={training} />
      <TrainingCharts />
      <h2>Overlays</h2>
      <OverlayControls controller={controller} />
      <details>
        <summary>Settings</summary>
        <TrainingForm disabled={busy} onStart={(o) => void training.train(o).catch(() => undefined)} />
      </details>
    </section>
  );
}
