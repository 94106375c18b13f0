import { useMemo } from 'react';
import { LineChart, type ChartSeries } from '../charts/LineChart';
import { useTrainingStore, type RunRecord } from '../store/training';

const RUN_COLORS = ['#4cc2ff', '#ff9f43', '#3ecf8e', '#c56cf0', '#ff6b6b', '#f0b429'];

/** Moving average over `w` points, so noisy per-batch losses read as a trend. */
export function smooth(y: number[], w = 10): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    sum += y[i];
    if (i >= w) sum -= y[i - w];
    out.push(sum / Math.min(i + 1, w));
  }
  return out;
}

function lossSeries(runs: RunRecord[]): ChartSeries[] {
  return runs.map((r, i) => ({ label: r.name, x: r.iterations, y: smooth(r.losses), color: RUN_COLORS[i % RUN_COLORS.length] }));
}

function diceSeries(runs: RunRecord[]): ChartSeries[] {
  const out: ChartSeries[] = [];
  runs.forEach((r, i) => {
    Object.entries(r.valDice).forEach(([cls, y], j) => {
      out.push({ label: `${r.name}: ${cls}`, x: r.valIterations, y, color: RUN_COLORS[(i + j * 2) % RUN_COLORS.length], dash: j % 2 === 1 });
    });
  });
  return out;
}

/** Loss (smoothed) and validation Dice per class; every run of the session on the same axes. */
export function TrainingCharts() {
  const runs = useTrainingStore((s) => s.runs);
  const loss = useMemo(() => lossSeries(runs), [runs]);
  const dice = useMemo(() => diceSeries(runs), [runs]);
  if (runs.length === 0) return null;
  return (
    <div className="charts">
      <LineChart title="Loss (moving average of 10)" series={loss} testId="chart.loss" />
      {dice.length > 0 && <LineChart title="Validation Dice (whole volumes)" series={dice} yRange={[0, 1]} testId="chart.dice" />}
    </div>
  );
}
