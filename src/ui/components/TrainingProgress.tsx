import { useTrainingStore } from '../store/training';
import type { TrainingController } from '../training-controller';

function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Progress bar with time left, the run's numbers, and pause / resume / stop. */
export function TrainingProgress({ training }: { training: TrainingController }) {
  const st = useTrainingStore((s) => s.status);
  const runs = useTrainingStore((s) => s.runs);
  if (st.state === 'idle') return null;
  const total = st.iterations ?? 0;
  const frac = total ? st.iteration / total : 0;
  const run = runs.find((r) => r.id === st.runId);
  const elapsed = run ? Date.now() - run.startedAt : 0;
  const left = st.iteration > 0 ? (elapsed / st.iteration) * (total - st.iteration) : NaN;
  const active = st.state === 'running' || st.state === 'paused';
  return (
    <div className="training-progress" data-testid="train.progress">
      <div className="progress"><div className="progress-bar" style={{ width: `${(frac * 100).toFixed(1)}%` }} /></div>
      <div className="progress-text">
        <span data-testid="train.state">{st.state}</span> · {st.iteration}/{total}
        {active && <> · {formatDuration(left)} left</>}
      </div>
      <div className="stats">
        <span>loss {Number.isFinite(st.loss) ? st.loss.toFixed(3) : '–'}</span>
        <span>accept {Number.isFinite(st.acceptRate) ? `${(st.acceptRate * 100).toFixed(0)}%` : '–'}</span>
        <span>lr {st.lr?.toPrecision(2) ?? '–'}</span>
        <span>{st.msPerIteration ? `${Math.round(st.msPerIteration)} ms/it` : ''}</span>
        <span>{st.numTensors} tensors</span>
      </div>
      {st.error && <div className="error-text">{st.error}</div>}
      {active && (
        <div className="button-group">
          {st.state === 'running' ? (
            <button data-testid="train.pause" onClick={() => void training.pause()}>Pause</button>
          ) : (
            <button data-testid="train.resume" onClick={() => void training.resume()}>Resume</button>
          )}
          <button data-testid="train.stop" onClick={() => void training.stop()}>Stop</button>
        </div>
      )}
    </div>
  );
}
