/**
 * App state (zustand). Slices: backend, volumes, view, messages. Components read it;
 * the controller writes it. No tfjs and no NiiVue here.
 */
import { create } from 'zustand';
import type { BackendStatus, VolumeInfo, WindowPreset } from '../../api/types';

export interface Message {
  id: number;
  /** 'warning': a scan loaded, but something was repaired or assumed (VolumeInfo.warnings); or a result may not be trusted (SegmentResultInfo.warnings). */
  kind: 'info' | 'warning' | 'error';
  text: string;
  at: number;
}

export type WindowSetting = WindowPreset | { min: number; max: number };

export interface AppState {
  backend?: BackendStatus;
  engineError?: string;
  volumes: VolumeInfo[];
  activeImageId?: string;
  window: WindowSetting;
  busy: string[];
  messages: Message[];
  setBackend(b: BackendStatus): void;
  setEngineError(e: string): void;
  addVolume(v: VolumeInfo): void;
  updateVolume(v: VolumeInfo): void;
  removeVolumes(ids: string[]): void;
  setActiveImage(id: string | undefined): void;
  setWindow(w: WindowSetting): void;
  beginTask(what: string): () => void;
  pushMessage(kind: Message['kind'], text: string): void;
  dismissMessage(id: number): void;
}

let nextMessageId = 1;

export const useAppStore = create<AppState>()((set) => ({
  volumes: [],
  window: 'soft-tissue',
  busy: [],
  messages: [],
  setBackend: (backend) => set({ backend }),
  setEngineError: (engineError) => set({ engineError }),
  addVolume: (v) => set((s) => ({ volumes: [...s.volumes, v] })),
  updateVolume: (v) => set((s) => ({ volumes: s.volumes.map((x) => (x.id === v.id ? v : x)) })),
  removeVolumes: (ids) =>
    set((s) => ({
      volumes: s.volumes.filter((v) => !ids.includes(v.id)),
      activeImageId: s.activeImageId && ids.includes(s.activeImageId) ? undefined : s.activeImageId,
    })),
  setActiveImage: (activeImageId) => set({ activeImageId }),
  setWindow: (window) => set({ window }),
  beginTask: (what) => {
    set((s) => ({ busy: [...s.busy, what] }));
    return () => set((s) => ({ busy: s.busy.filter((b, i) => b !== what || s.busy.indexOf(what) !== i) }));
  },
  pushMessage: (kind, text) =>
    set((s) => ({ messages: [...s.messages.slice(-19), { id: nextMessageId++, kind, text, at: Date.now() }] })),
  dismissMessage: (id) => set((s) => ({ messages: s.messages.filter((m) => m.id !== id) })),
}));

export const WINDOW_PRESETS: Record<Exclude<WindowPreset, 'full'>, { min: number; max: number; label: string }> = {
  'soft-tissue': { min: -160, max: 240, label: 'Soft tissue (W400 L40)' },
  lung: { min: -1350, max: 150, label: 'Lung (W1500 L−600)' },
  bone: { min: -500, max: 1300, label: 'Bone (W1800 L400)' },
};

/**
 * True while the backend is not known yet or when compute runs on the CPU: the engine decides it once
 * (`BackendStatus.software`, from src/core/backend/adapter.ts); the UI does not guess from adapter names.
 */
export function softwareCompute(): boolean {
  return useAppStore.getState().backend?.software ?? true;
}
