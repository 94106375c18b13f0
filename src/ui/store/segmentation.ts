/** Segmentation state in the UI: models, the running job's progress, results per label map, editing. */
import { create } from 'zustand';
import type { ModelSummary, OrganStatistics, SegmentProgressInfo, SegmentResultInfo } from '../../api/types';

export interface SegmentationStore {
  models: ModelSummary[];
  selectedModel?: string;
  progress?: SegmentProgressInfo;
  running: boolean;
  results: Record<string, SegmentResultInfo & { model: string; imageId: string }>;
  editing?: string;
  /** Per-organ statistics by label map id (refreshed after a segmentation and after edits). */
  statistics: Record<string, OrganStatistics[]>;
  setModels(m: ModelSummary[]): void;
  selectModel(id: string): void;
  setRunning(r: boolean): void;
  setProgress(p: SegmentProgressInfo | undefined): void;
  addResult(r: SegmentResultInfo & { model: string; imageId: string }): void;
  setEditing(id: string | undefined): void;
  setStatistics(labelId: string, rows: OrganStatistics[]): void;
}

export const useSegmentationStore = create<SegmentationStore>()((set) => ({
  models: [],
  running: false,
  results: {},
  statistics: {},
  setModels: (models) => set((s) => ({ models, selectedModel: s.selectedModel && models.some((m) => m.id === s.selectedModel) ? s.selectedModel : models[0]?.id })),
  selectModel: (selectedModel) => set({ selectedModel }),
  setRunning: (running) => set({ running, ...(running ? {} : { progress: undefined }) }),
  setProgress: (progress) => set({ progress }),
  addResult: (r) => set((s) => ({ results: { ...s.results, [r.labelId]: r } })),
  setEditing: (editing) => set({ editing }),
  setStatistics: (labelId, rows) => set((s) => ({ statistics: { ...s.statistics, [labelId]: rows } })),
}));
