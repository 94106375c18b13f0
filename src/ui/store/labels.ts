/** Automatic labelling in the UI: whether it runs, and its progress. */
import { create } from 'zustand';
import type { LabelsProgressInfo } from '../../api/types';

export interface AutoLabelsStore {
  running: boolean;
  progress?: LabelsProgressInfo;
  setRunning(r: boolean): void;
  setProgress(p: LabelsProgressInfo | undefined): void;
}

export const useAutoLabelsStore = create<AutoLabelsStore>()((set) => ({
  running: false,
  setRunning: (running) => set({ running, ...(running ? {} : { progress: undefined }) }),
  setProgress: (progress) => set({ progress }),
}));
