/**
 * A small uPlot line chart. Series share one x axis per series (uPlot's "mode 2" is avoided: each series
 * is resampled onto the union of x values with gaps, which keeps runs of different lengths comparable).
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  x: number[];
  y: number[];
  color: string;
  dash?: boolean;
}

function align(series: ChartSeries[]): uPlot.AlignedData {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    s.x.forEach((x, i) => (col[index.get(x)!] = s.y[i]));
    return col;
  });
  return [xs, ...ys] as uPlot.AlignedData;
}

export function LineChart(props: { title: string; series: ChartSeries[]; yRange?: [number, number]; testId: string; height?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const key = props.series.map((s) => s.label + s.color).join('|');

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const opts: uPlot.Options = {
      title: props.title,
      width: el.clientWidth || 320,
      height: props.height ?? 160,
      scales: { x: { time: false }, y: props.yRange ? { range: props.yRange } : { auto: true } },
      axes: [
        { stroke: '#8b93a1', grid: { stroke: '#2c313b' } },
        { stroke: '#8b93a1', grid: { stroke: '#2c313b' }, size: 44 },
      ],
      legend: { show: true },
      series: [{ label: 'iteration' }, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, dash: s.dash ? [6, 4] : undefined, spanGaps: true }))],
    };
    plot.current = new uPlot(opts, align(props.series), el);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuild only when the set of series changes; data updates go through setData below.
  }, [key, props.title]);

  useEffect(() => {
    plot.current?.setData(align(props.series));
  }, [props.series]);

  return <div className="chart" ref={host} data-testid={props.testId} />;
}
