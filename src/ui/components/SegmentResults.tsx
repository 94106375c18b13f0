import { useState } from 'react';
import type { ExportFormat, OrganStatistics } from '../../api/types';
import type { SegmentController } from '../segment-controller';
import { useAppStore } from '../store';
import { useSegmentationStore } from '../store/segmentation';

/** The formats offered for download; DICOM SEG is not in this build. */
const FORMATS: { value: ExportFormat; label: string }[] = [
  { value: 'nifti', label: 'NIfTI (.nii.gz)' },
  { value: 'nrrd', label: 'NRRD (.nrrd)' },
  { value: 'mha', label: 'MetaImage (.mha)' },
];

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const vec = (v: number[]) => v.map((x) => x.toFixed(1)).join(', ');

/** Every statistic of every organ: voxels, mL, HU, centroid and bounding box in RAS mm. */
function StatisticsTable({ rows }: { rows: OrganStatistics[] }) {
  return (
    <details className="statistics" data-testid="segment.statistics">
      <summary>All statistics (HU, centroid and bounding box in RAS mm)</summary>
      <table>
        <thead>
          <tr><th>organ</th><th>voxels</th><th>mL</th><th>mean HU</th><th>SD</th><th>min</th><th>max</th><th>centroid</th><th>box min</th><th>box max</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label} data-testid={`segment.statistics.${r.label}`}>
              <td>{r.name}</td>
              <td>{r.voxels.toLocaleString('en-US')}</td>
              <td>{f1(r.volumeMl)}</td>
              <td>{f1(r.meanHu)}</td>
              <td>{f1(r.sdHu)}</td>
              <td>{f1(r.minHu)}</td>
              <td>{f1(r.maxHu)}</td>
              <td>{vec(r.centroidMm)}</td>
              <td>{vec(r.bboxMm.min)}</td>
              <td>{vec(r.bboxMm.max)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** Per-organ volume in mL, mean HU ± SD and, with a reference label map, Dice and IoU; export and edit buttons. */
export function SegmentResults({ segment }: { segment: SegmentController }) {
  const active = useAppStore((s) => s.activeImageId);
  const volumes = useAppStore((s) => s.volumes);
  const results = useSegmentationStore((s) => s.results);
  const statistics = useSegmentationStore((s) => s.statistics);
  const editing = useSegmentationStore((s) => s.editing);
  const [format, setFormat] = useState<ExportFormat>('nifti');
  const mine = Object.values(results).filter((r) => r.imageId === active && volumes.some((v) => v.id === r.labelId));
  const r = mine.at(-1);
  if (!r) return null;
  const organs = Object.keys(r.volumesMl);
  const stats = statistics[r.labelId];
  const byName = new Map((stats ?? []).map((s) => [s.name, s]));
  return (
    <div className="results" data-testid="segment.results">
      <table>
        <thead>
          <tr><th>organ</th><th>mL</th>{stats && <th>HU (mean ± SD)</th>}{r.dice && <th>Dice</th>}{r.iou && <th>IoU</th>}</tr>
        </thead>
        <tbody>
          {organs.map((o) => {
            const s = byName.get(o);
            return (
              <tr key={o}>
                <td>{o}</td>
                <td>{(s?.volumeMl ?? r.volumesMl[o]).toFixed(1)}</td>
                {stats && <td>{s ? `${f1(s.meanHu)} ± ${f1(s.sdHu)}` : '–'}</td>}
                {r.dice && <td>{r.dice[o] === undefined ? '–' : r.dice[o].toFixed(3)}</td>}
                {r.iou && <td>{r.iou[o] === undefined ? '–' : r.iou[o].toFixed(3)}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
      {stats && <StatisticsTable rows={stats} />}
      <div className="muted small">{(r.ms / 1000).toFixed(1)} s{r.dice ? ' · scored against the label map loaded with the scan' : ''}</div>
      <div className="button-group small">
        <select data-testid="segment.export.format" value={format} onChange={(e) => setFormat(e.currentTarget.value as ExportFormat)} title="File format of the export">
          {FORMATS.map((x) => <option key={x.value} value={x.value}>{x.label}</option>)}
        </select>
        <button data-testid="segment.export" onClick={() => void segment.download(r.labelId, format)}>Export</button>
        {r.mapId && <button onClick={() => void segment.download(r.mapId!, format)}>Export probability map</button>}
        {!editing && <button data-testid="segment.edit" onClick={() => segment.beginEdit(r.labelId)}>Correct…</button>}
      </div>
      <div className="button-group small">
        <button data-testid="segment.statistics.csv" onClick={() => void segment.downloadStatistics(r.labelId, 'csv')}>Statistics CSV</button>
        <button data-testid="segment.statistics.json" onClick={() => void segment.downloadStatistics(r.labelId, 'json')} title="TotalSegmentator's statistics.json shape, with more fields">Statistics JSON</button>
      </div>
    </div>
  );
}
