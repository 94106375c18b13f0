import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { AppController } from './controller';
import { startEngine } from './engine-client';
import { installWorkbenchApi } from './api';
import { TrainingController } from './training-controller';
import { SegmentController } from './segment-controller';
import { LabelsController } from './labels-controller';
import './styles.css';

const { api } = startEngine();
const controller = new AppController(api);
const training = new TrainingController(controller);
const segment = new SegmentController(controller);
const labels = new LabelsController(controller);
// For profiling from the console in the dev server (`npm start`) only; scripts use window.workbench.
if (import.meta.env.DEV) (window as unknown as { __controller: AppController }).__controller = controller;

// The demo scan opens on start unless the URL says ?demo=0 (tests that start empty use it).
const params = new URLSearchParams(location.search);
const ready = (async () => {
  await controller.init();
  await segment.init();
  if (params.get('demo') !== '0') await controller.loadDemo();
})();
installWorkbenchApi(controller, training, segment, ready, labels);
ready.catch(() => undefined);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App controller={controller} training={training} segment={segment} labels={labels} />
  </StrictMode>,
);
