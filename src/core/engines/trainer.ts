/**
 * The trainer: runs isample (or uniform) training of the dual-path network with GPU augmentation,
 * interleaves error-map updates and validation with the steps, and reports everything as events.
 * It runs inside the engine worker; each step awaits the GPU, so pause/stop/status calls are served
 * between steps and the UI thread never waits on training.
 */
import * as tf from '@tensorflow/tfjs';
import type { EngineEvent, ErrorMapSnapshot, TrainingState, TrainingStatus, TrainOptions } from './contract';
import type { DualPathNet } from '../networks';
import type { Device } from '../backend/device';
import { defaultPresetFor } from './training-defaults';
import { errorMessage, isWorkbenchError, WorkbenchError } from '../errors';
import { yieldToEventLoop } from '../env';
import { Rng } from '../random';
import { DEFAULT_AUGMENT, NO_AUGMENT, samplePatchBatch } from '../transforms';
import { pTrueOnTrainingImage, validationDice } from './evaluation';
import { learningRateAt } from './schedule';
import { trainStep } from './train-step';
import { planTraining, type TrainingPlan } from './train-options';
import { closeSession, openSession, type TrainingSession } from './training-session';
import { toScanGrid, unitToBytes } from './training-data';
import type { VolumeStore } from './volume-store';

/** Optional extras for `Trainer.start` (used by the training CLI): resuming and checkpoints. */
export interface TrainerHooks {
  /**
   * Continue an earlier run of the same plan: its weights (batch-norm averages included) are copied into the
   * new network, the loop starts at `iteration` (so the learning-rate schedule continues) and isample's error
   * maps are restored when given. The random streams restart from the seed and `iteration`, so a resumed run is
   * close to, not bit-identical with, an uninterrupted one.
   */
  resume?: { net: DualPathNet; iteration: number; errorMaps?: Float32Array[] };
  /** Awaited every `checkpointEvery` iterations and after the last one, with the live network and error maps. */
  onCheckpoint?: (c: { iteration: number; plan: TrainingPlan; net: DualPathNet; errorMaps: Float32Array[] }) => Promise<void> | void;
  checkpointEvery?: number;
}

export interface TrainerDeps {
  store: VolumeStore;
  /**
   * Receives every event. For voxel events (error maps, densities) the trainer waits for the returned
   * promise before it queues more GPU work: the UI updates its WebGL overlays while the GPU is idle, so
   * the viewer's synchronous GL calls never wait behind a training step (on software adapters they would
   * block the UI thread for seconds).
   */
  emit: (e: EngineEvent) => void | Promise<void>;
  /**
   * The device runs are planned for (its `software` picks the default preset) and run on; read when a run
   * starts (the engine chooses its backend after building the trainer).
   */
  device: () => Device;
  now?: () => number;
}

interface RunState {
  id: string;
  plan: TrainingPlan;
  device: Device;
  session?: TrainingSession;
  status: TrainingStatus;
  stopRequested: boolean;
  /** Aborted by `stop`: a whole-volume pass (error map, validation) in progress ends at its next tile. */
  abort: AbortController;
  paused: boolean;
  resume?: () => void;
  finished: Promise<void>;
  /** Latest E × 255 per training image id, on the scan's grid. */
  errorMaps: Map<string, ErrorMapSnapshot>;
  hooks: TrainerHooks;
}

let runCounter = 0;

/** `"isample ε=0.01" (run-3, iteration 12 of 200, paused)`: a run as a sentence names it. */
export function describeRun(r: { runName: string; runId: string; iteration: number; iterations: number; state: TrainingState }): string {
  return `"${r.runName}" (${r.runId}, iteration ${r.iteration} of ${r.iterations}, ${r.state})`;
}

/** Copies a resumed run's weights and error maps into a freshly opened session. */
function resumeSession(s: TrainingSession, r: NonNullable<TrainerHooks['resume']>): void {
  const src = new Map(r.net.params.list.map((p) => [p.name, p.variable]));
  for (const p of s.net.params.list) {
    const v = src.get(p.name);
    if (!v || v.shape.join() !== p.variable.shape.join()) {
      throw new WorkbenchError('bad-model', `The checkpoint to resume from has no weight "${p.name}" shaped [${p.variable.shape.join(', ')}]; it was saved by a different network.`);
    }
    p.variable.assign(v);
  }
  r.errorMaps?.forEach((e, i) => {
    if (i < s.grids.length) s.errorMaps.updateFromPTrue(i, e.map((x) => 1 - x));
  });
}

export class Trainer {
  private run?: RunState;
  private readonly now: () => number;

  constructor(private readonly deps: TrainerDeps) {
    this.now = deps.now ?? (() => performance.now());
  }

  /** Validates the options, prepares data and the network, and starts the loop; resolves once started. */
  async start(opts: TrainOptions, hooks: TrainerHooks = {}): Promise<{ runId: string; plan: TrainingPlan }> {
    const going = this.active;
    if (going) throw new WorkbenchError('busy', `A training run is already going: ${describeRun(going)}; stop it before starting another.`);
    const device = this.deps.device();
    const plan = planTraining(opts, this.deps.store, { preset: defaultPresetFor(device.software) });
    const id = `run-${++runCounter}`;
    const status: TrainingStatus = { state: 'running', iteration: 0, loss: NaN, lossHistory: [], acceptRate: NaN, numTensors: tf.memory().numTensors, iterations: plan.iterations, runId: id };
    const run: RunState = { id, plan, device, status, stopRequested: false, abort: new AbortController(), paused: false, finished: Promise.resolve(), errorMaps: new Map(), hooks };
    const session = openSession(plan, device);
    try {
      if (hooks.resume) resumeSession(session, hooks.resume);
    } catch (e) {
      closeSession(session);
      session.net.dispose();
      throw e;
    }
    // Only now that the new run is ready does the previous network go (its copy lives on as a model).
    this.disposePrevious();
    run.session = session;
    this.run = run;
    this.initialErrorMaps(run);
    void this.emit({ type: 'state', runId: id, state: 'running' });
    run.finished = this.loop(run);
    return { runId: id, plan };
  }

  private disposePrevious(): void {
    const prev = this.run;
    if (prev?.session) prev.session.net.dispose();
  }

  private emit(e: EngineEvent): Promise<void> {
    return Promise.resolve(this.deps.emit(e)).catch((err) => console.error(`Emitting the trainer's "${e.type}" event failed:`, err));
  }

  private initialErrorMaps(run: RunState): void {
    run.plan.train.forEach((pair) => {
      const dims = pair.image.info.dims;
      run.errorMaps.set(pair.image.info.id, { dims: [...dims], data: new Uint8Array(dims[0] * dims[1] * dims[2]).fill(255), updatedAtIteration: 0 });
    });
  }

  private async waitIfPaused(run: RunState): Promise<void> {
    while (run.paused && !run.stopRequested) {
      await new Promise<void>((r) => (run.resume = r));
    }
  }

  private async loop(run: RunState): Promise<void> {
    const s = run.session!;
    const { plan } = run;
    const first = run.hooks.resume?.iteration ?? 0;
    const rng = new Rng(first === 0 ? plan.seed ^ 0x5eed : ((plan.seed ^ 0x5eed) + Math.imul(first, 0x9e3779b1)) >>> 0);
    const geom = { outputSize: plan.outputSize, rFull: s.net.rFull, rContext: s.net.rContext };
    const aug = { ...(plan.augment ? DEFAULT_AUGMENT : NO_AUGMENT), photometric: plan.photometric };
    const weights = plan.classWeights ? { classWeights: plan.classWeights } : {};
    const partial = s.unlabelled.some((row) => row.some(Boolean));
    const every = run.hooks.checkpointEvery ?? 0;
    try {
      for (const pair of plan.train) {
        const snap = run.errorMaps.get(pair.image.info.id)!;
        await this.emit({ type: 'error-map', runId: run.id, imageId: pair.image.info.id, iteration: 0, dims: snap.dims, data: snap.data.slice() });
      }
      for (let it = first; it < plan.iterations && !run.stopRequested; it++) {
        await yieldToEventLoop(); // stop, pause and status calls get in between steps on every backend
        await this.waitIfPaused(run);
        if (run.stopRequested) break;
        const t0 = this.now();
        const lr = learningRateAt(plan.schedule, it);
        s.optimizer.learningRate = lr;
        const picked = s.sampler.nextBatch(plan.batchSize, rng);
        const batch = samplePatchBatch(s.trainSet, picked.patches, geom, aug, rng);
        // Partially labelled scans: each sample carries the classes its scan does not label (the marginal loss).
        const lossOptions = partial ? { ...weights, unlabelled: picked.patches.map((p) => s.unlabelled[p.image]) } : weights;
        let loss: number;
        try {
          const { full, context, labels } = batch;
          if (!labels) throw new Error('the patch sampler returned no label targets for a labelled training set');
          ({ loss } = await trainStep({ net: s.net, optimizer: s.optimizer, batch: { full, context, labels }, loss: plan.loss, lossOptions, device: run.device, what: `training step ${it + 1}` }));
        } finally {
          tf.dispose([batch.full, batch.context, ...(batch.labels ? [batch.labels] : [])]);
        }
        if (!Number.isFinite(loss)) throw new WorkbenchError('diverged', `The loss became ${loss} at step ${it + 1}; lower the learning rate (now ${lr.toPrecision(3)}).`);
        this.recordIteration(run, it + 1, loss, lr, picked.stats.acceptanceRate, this.now() - t0);
        if ((it + 1) % plan.errorMapEvery === 0) await this.updateErrorMap(run, ((it + 1) / plan.errorMapEvery - 1) % plan.train.length, it + 1);
        if (s.valSet && ((it + 1) % plan.validateEvery === 0 || it + 1 === plan.iterations)) await this.validate(run, it + 1);
        if (run.hooks.onCheckpoint && ((every > 0 && (it + 1) % every === 0) || it + 1 === plan.iterations)) await this.checkpoint(run, it + 1);
      }
      this.finish(run, 'done');
    } catch (e) {
      // Stopped during an error-map update or a validation: that pass is abandoned, the run ends as stopped.
      if (run.stopRequested && isWorkbenchError(e, 'cancelled')) this.finish(run, 'done');
      else this.finish(run, 'error', e);
    }
  }

  private recordIteration(run: RunState, iteration: number, loss: number, lr: number, acceptRate: number, ms: number): void {
    const st = run.status;
    st.iteration = iteration;
    st.loss = loss;
    st.lossHistory.push(loss);
    st.acceptRate = acceptRate;
    st.lr = lr;
    st.msPerIteration = ms;
    st.numTensors = tf.memory().numTensors;
    void this.emit({ type: 'iteration', runId: run.id, iteration, iterations: run.plan.iterations, loss, lr, acceptRate, msPerIteration: ms, numTensors: st.numTensors });
  }

  /** Recomputes E = 1 − p_true on training image `i` with the current weights and publishes it. */
  private async updateErrorMap(run: RunState, i: number, iteration: number): Promise<void> {
    const s = run.session!;
    const grid = s.grids[i];
    const pTrue = await pTrueOnTrainingImage(run.device, s.net, s.trainSet, grid, i, run.abort.signal, s.unlabelled[i]);
    s.errorMaps.updateFromPTrue(i, pTrue);
    const info = run.plan.train[i].image.info;
    const e = toScanGrid(grid, s.errorMaps.error(i), 'linear').data as Float32Array;
    const data = unitToBytes(e);
    run.errorMaps.set(info.id, { dims: [...info.dims], data, updatedAtIteration: iteration });
    await this.emit({ type: 'error-map', runId: run.id, imageId: info.id, iteration, dims: [...info.dims], data: data.slice() });
    const density = toScanGrid(grid, s.errorMaps.densityToUint8(i), 'nearest').data as Uint8Array;
    await this.emit({ type: 'density', runId: run.id, imageId: info.id, iteration, dims: [...info.dims], data: density });
  }

  private async checkpoint(run: RunState, iteration: number): Promise<void> {
    const s = run.session!;
    const errorMaps = s.grids.map((_, i) => s.errorMaps.error(i));
    await run.hooks.onCheckpoint?.({ iteration, plan: run.plan, net: s.net, errorMaps });
  }

  private async validate(run: RunState, iteration: number): Promise<void> {
    const s = run.session!;
    const dice = await validationDice({ device: run.device, net: s.net, set: s.valSet!, grids: s.valGrids, truth: s.valTruth, classNames: run.plan.classNames, signal: run.abort.signal });
    run.status.valDice = dice;
    void this.emit({ type: 'validation', runId: run.id, iteration, dice });
  }

  private finish(run: RunState, state: 'done' | 'error', failure?: unknown): void {
    const error = failure === undefined ? undefined : errorMessage(failure);
    const code = isWorkbenchError(failure) ? failure.code : undefined;
    run.status.state = state;
    if (error) run.status.error = error;
    if (code) run.status.errorCode = code;
    if (run.session) closeSession(run.session);
    run.status.numTensors = tf.memory().numTensors;
    void this.emit({ type: 'state', runId: run.id, state, error, ...(code ? { code } : {}) });
  }

  pause(): void {
    this.setPaused(true);
  }

  resume(): void {
    this.setPaused(false);
  }

  /** Pauses a running run or resumes a paused one (anything else: no-op), and says so in a state event. */
  private setPaused(paused: boolean): void {
    const run = this.run;
    const from = paused ? 'running' : 'paused';
    const to = paused ? 'paused' : 'running';
    if (!run || run.status.state !== from) return;
    run.paused = paused;
    run.status.state = to;
    void this.emit({ type: 'state', runId: run.id, state: to });
    if (!paused) run.resume?.();
  }

  /**
   * Stops after the current step, or at the next tile of an error-map update or validation in progress (that
   * pass is abandoned: the published error map and Dice stay the previous ones); resolves when the run has
   * ended (state 'done', at the iteration reached).
   */
  async stop(): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.stopRequested = true;
    run.abort.abort();
    run.resume?.();
    await run.finished;
  }

  /** The run that is running or paused, if any. */
  get active(): { runId: string; runName: string; iteration: number; iterations: number; state: TrainingState; volumeIds: string[] } | undefined {
    const r = this.run;
    if (!r || (r.status.state !== 'running' && r.status.state !== 'paused')) return undefined;
    const pairs = [...r.plan.train, ...r.plan.validation];
    const volumeIds = [...new Set(pairs.flatMap((p) => [p.image.info.id, p.label.info.id]))];
    return { runId: r.id, runName: r.plan.runName, iteration: r.status.iteration, iterations: r.plan.iterations, state: r.status.state, volumeIds };
  }

  status(): TrainingStatus {
    const st = this.run?.status;
    if (!st) return { state: 'idle', iteration: 0, loss: NaN, lossHistory: [], acceptRate: NaN, numTensors: tf.memory().numTensors };
    return { ...st, lossHistory: [...st.lossHistory], valDice: st.valDice && { ...st.valDice } };
  }

  errorMap(imageId: string): ErrorMapSnapshot {
    const run = this.run;
    const snap = run?.errorMaps.get(imageId);
    if (!snap) {
      const names = run ? run.plan.train.map((p) => `${p.image.info.name} (${p.image.info.id})`).join(', ') : 'none';
      throw new WorkbenchError('not-found', `There is no error map for "${imageId}": error maps exist for the training images of the current run (${names}).`);
    }
    return { dims: [...snap.dims], data: snap.data.slice(), updatedAtIteration: snap.updatedAtIteration };
  }

  /** The network of the latest run (for segmenting and saving). */
  get latest(): { plan: TrainingPlan; net: TrainingSession['net']; status: TrainingStatus } | undefined {
    const r = this.run;
    return r?.session ? { plan: r.plan, net: r.session.net, status: r.status } : undefined;
  }
}
