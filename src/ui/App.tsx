import { useCallback } from 'react';
import type { AppController } from './controller';
import type { TrainingController } from './training-controller';
import { TrainingPanel } from './components/TrainingPanel';
import { SegmentPanel } from './components/SegmentPanel';
import type { SegmentController } from './segment-controller';
import type { LabelsController } from './labels-controller';
import { AutoLabelsPanel } from './components/AutoLabelsPanel';
import { BackendBadge } from './components/BackendBadge';
import { DropZone } from './components/DropZone';
import { FileOpen } from './components/FileOpen';
import { LabelLegend } from './components/LabelLegend';
import { Messages } from './components/Messages';
import { ViewerPanel } from './components/ViewerPanel';
import { VolumeList } from './components/VolumeList';
import { WindowPresets } from './components/WindowPresets';

export function App({ controller, training, segment, labels }: { controller: AppController; training: TrainingController; segment: SegmentController; labels: LabelsController }) {
  const onFiles = useCallback((files: File[]) => void controller.loadDropped(files), [controller]);
  return (
    <div className="app">
      <header className="app-header">
        <h1>CT Segmentation Workbench</h1>
        <BackendBadge />
      </header>
      <aside className="sidebar">
        <section>
          <h2>Scans</h2>
          <FileOpen controller={controller} />
          <VolumeList controller={controller} segment={segment} />
        </section>
        <section>
          <h2>Window</h2>
          <WindowPresets controller={controller} />
        </section>
        <section>
          <LabelLegend />
        </section>
      </aside>
      <main className="main">
        <ViewerPanel controller={controller} />
      </main>
      <aside className="rightbar">
        <AutoLabelsPanel labels={labels} />
        <SegmentPanel controller={controller} segment={segment} />
        <TrainingPanel controller={controller} training={training} />
      </aside>
      <Messages />
      <DropZone onFiles={onFiles} />
    </div>
  );
}
