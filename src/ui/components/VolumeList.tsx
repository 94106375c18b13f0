import type { VolumeInfo } from '../../api/types';
import { useAppStore } from '../store';
import type { AppController } from '../controller';
import type { SegmentController } from '../segment-controller';
import { dicomSegUnavailable } from '../../core/data/dicom-seg-check';

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** A label map's row: its name, exports (.nii.gz, DICOM SEG) and remove; when DICOM SEG is not offered, the sentence why. */
function LabelRow({ label, image, controller, segment }: { label: VolumeInfo; image: VolumeInfo; controller: AppController; segment: SegmentController }) {
  const segWhyNot = dicomSegUnavailable({ name: label.name, role: label.role, imageFromDicom: image.dicom !== undefined, imageName: image.name });
  return (
    <div className="volume-label-block" data-testid="volumes.label">
      <div className="volume-label">
        <span title={label.name}>↳ {label.name} ({Object.keys(label.labels ?? {}).length} labels)</span>
        <span className="volume-label-actions">
          <button className="link" title={`Download ${label.name} as .nii.gz with its label table`} data-testid="volumes.label.export-nifti" onClick={() => void segment.download(label.id)}>.nii.gz</button>
          <button className="link" disabled={segWhyNot !== undefined} title={segWhyNot ?? `Download ${label.name} as a DICOM SEG that references ${image.name}'s DICOM series`} data-testid="volumes.label.export-seg" onClick={() => void segment.download(label.id, 'dicom-seg')}>DICOM SEG</button>
          <button className="icon" title={`Remove ${label.name}`} onClick={() => void controller.removeVolume(label.id).catch(() => undefined)}>×</button>
        </span>
      </div>
      {segWhyNot && <div className="volume-note" data-testid="volumes.label.seg-unavailable">{segWhyNot}</div>}
    </div>
  );
}

export function VolumeList({ controller, segment }: { controller: AppController; segment: SegmentController }) {
  const volumes = useAppStore((s) => s.volumes);
  const active = useAppStore((s) => s.activeImageId);
  const images = volumes.filter((v) => v.role === 'image');
  if (volumes.length === 0) return <p className="muted" data-testid="volumes.empty">No scans loaded.</p>;
  return (
    <ul className="volume-list" data-testid="volumes.list">
      {images.map((img) => (
        <li key={img.id} className={img.id === active ? 'active' : ''} data-testid="volumes.item">
          <div className="volume-row" onClick={() => void controller.show(img.id)}>
            <span className="volume-name" title={img.name}>{img.name}</span>
            <button className="icon" title={`Remove ${img.name} and its label maps`} onClick={(e) => { e.stopPropagation(); void controller.removeVolume(img.id).catch(() => undefined); }}>×</button>
          </div>
          <div className="volume-meta">{img.dims.join('×')} · {img.spacing.map(fmt).join('×')} mm · {fmt(img.min)}…{fmt(img.max)}</div>
          {volumes.filter((l) => l.role === 'label' && l.imageId === img.id).map((l) => (
            <LabelRow key={l.id} label={l} image={img} controller={controller} segment={segment} />
          ))}
        </li>
      ))}
    </ul>
  );
}
