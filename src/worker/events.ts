/**
 * Events the engine emits while it trains or segments; the worker forwards them unchanged to the UI.
 * Voxel payloads are in the image's own grid (the viewer's), as E × 255 or counts scaled to 0..255.
 */
import type { TrainingState } from '../api/types';

export type EngineEvent =
  | { type: 'state'; runId: string; state: TrainingState; error?: string }
  | { type: 'iteration'; runId: string; iteration: number; iterations: number; loss: number; lr: number; acceptRate: number; msPerIteration: number; numTensors: number }
  | { type: 'validation'; runId: string; iteration: number; dice: Record<string, number> }
  | { type: 'error-map'; runId: string; imageId: string; iteration: number; dims: [number, number, number]; data: Uint8Array }
  | { type: 'density'; runId: string; imageId: string; iteration: number; dims: [number, number, number]; data: Uint8Array }
  | { type: 'segment-progress'; imageId: string; stage: 'prepare' | 'infer' | 'finish'; tilesDone: number; tilesTotal: number; elapsedMs: number; etaMs?: number }
  | { type: 'models-changed' }
  | { type: 'log'; level: 'info' | 'warn'; text: string };
