import { dicomSegUnavailable } from '../../core/data/dicom-seg-check';
import type { SegmentController } from '../segment-controller';
import { useAppStore } from '../store';
import { useSegmentationStore } from '../store/segmentation';

/** Per-organ volume in mL and, with a reference label map, Dice and IoU; export and edit buttons. */
export function SegmentResults({ segment }: { segment: SegmentController }) {
  const active = useAppStore((s) => s.activeImageId);
  const volumes = useAppStore((s) => s.volumes);
  const results = useSegmentationStore((s) => s.results);
  const editing = useSegmentationStore((s) => s.editing);
  const mine = Object.values(results).filter((r) => r.imageId === active && volumes.some((v) => v.id === r.labelId));
  const r = mine.at(-1);
  if (!r) return null;
  const organs = Object.keys(r.volumesMl);
  const labelInfo = volumes.find((v) => v.id === r.labelId);
  const imageInfo = volumes.find((v) => v.id === r.imageId);
  const segWhyNot = labelInfo && dicomSegUnavailable({ name: labelInfo.name, role: labelInfo.role, imageFromDicom: imageInfo?.dicom !== undefined, imageName: imageInfo?.name });
  return (
    <div className="results" data-testid="segment.results">
      <table>
        <thead>
          <tr><th>organ</th><th>mL</th>{r.dice && <th>Dice</th>}{r.iou && <th>IoU</th>}</tr>
        </thead>
        <tbody>
          {organs.map((o) => (
            <tr key={o}>
              <td>{o}</td>
              <td>{r.volumesMl[o].toFixed(1)}</td>
              {r.dice && <td>{r.dice[o] === undefined ? '–' : r.dice[o].toFixed(3)}</td>}
              {r.iou && <td>{r.iou[o] === undefined ? '–' : r.iou[o].toFixed(3)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="muted small">{(r.ms / 1000).toFixed(1)} s{r.dice ? ' · scored against the label map loaded with the scan' : ''}</div>
      <div className="button-group small">
        <button data-testid="segment.export" onClick={() => void segment.download(r.labelId)}>Export .nii.gz</button>
        <button data-testid="segment.export-seg" disabled={segWhyNot !== undefined} title={segWhyNot ?? 'A DICOM Segmentation object that references the scan\'s DICOM series'} onClick={() => void segment.download(r.labelId, 'dicom-seg')}>Export DICOM SEG</button>
        {r.mapId && <button onClick={() => void segment.download(r.mapId!)}>Export probability map</button>}
        {!editing && <button data-testid="segment.edit" onClick={() => segment.beginEdit(r.labelId)}>Correct…</button>}
      </div>
      {segWhyNot && <div className="muted small" data-testid="segment.seg-unavailable">{segWhyNot}</div>}
    </div>
  );
}
