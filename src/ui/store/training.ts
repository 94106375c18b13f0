/**
 * Training state in the UI: the current run's status and every run's curves (so isample and uniform
 * runs on the same data can be compared on one chart).
 */
import { create } from 'zustand';
import type { TrainingStatus, TrainOptions } from '../../api/types';
import type { EngineEvent } from '../../worker/protocol';

export interface RunRecord {
  id: string;
  name: string;
  options: TrainOptions;
  startedAt: number;
  iterations: number[];
  losses: number[];
  valIterations: number[];
  valDice: Record<string, number[]>;
}

export interface TrainingStore {
  status: TrainingStatus;
  runs: RunRecord[];
  errorMapIteration: Record<string, number>;
  startRun(id: string, name: string, options: TrainOptions): void;
  apply(e: EngineEvent): void;
}

export const IDLE_STATUS: TrainingStatus = { state: 'idle', iteration: 0, loss: NaN, lossHistory: [], acceptRate: NaN, numTensors: 0 };

function updateRun(runs: RunRecord[], id: string, f: (r: RunRecord) => RunRecord): RunRecord[] {
  return runs.map((r) => (r.id === id ? f(r) : r));
}

export const useTrainingStore = create<TrainingStore>()((set) => ({
  status: IDLE_STATUS,
  runs: [],
  errorMapIteration: {},
  startRun: (id, name, options) =>
    set((s) => ({
      status: { ...IDLE_STATUS, state: 'running', runId: id, iterations: options.iterations },
      runs: [...s.runs, { id, name, options, startedAt: Date.now(), iterations: [], losses: [], valIterations: [], valDice: {} }],
    })),
  apply: (e) =>
    set((s) => {
      switch (e.type) {
        case 'state':
          return { status: { ...s.status, state: e.state, error: e.error, errorCode: e.code } };
        case 'iteration':
          return {
            status: {
              ...s.status,
              iteration: e.iteration,
              iterations: e.iterations,
              loss: e.loss,
              lossHistory: [...s.status.lossHistory, e.loss],
              acceptRate: e.acceptRate,
              lr: e.lr,
              msPerIteration: e.msPerIteration,
              numTensors: e.numTensors,
            },
            runs: updateRun(s.runs, e.runId, (r) => ({ ...r, iterations: [...r.iterations, e.iteration], losses: [...r.losses, e.loss] })),
          };
        case 'validation': {
          return {
            status: { ...s.status, valDice: e.dice },
            runs: updateRun(s.runs, e.runId, (r) => {
              const valDice = { ...r.valDice };
              for (const [k, v] of Object.entries(e.dice)) valDice[k] = [...(valDice[k] ?? []), v];
              return { ...r, valIterations: [...r.valIterations, e.iteration], valDice };
            }),
          };
        }
        case 'error-map':
          return { errorMapIteration: { ...s.errorMapIteration, [e.imageId]: e.iteration } };
        default:
          return {};
      }
    }),
}));
