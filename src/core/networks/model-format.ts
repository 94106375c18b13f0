/**
 * The saved model's description (`modelTopology` in model.json): a format tag and version, the network
 * config, class names, training spacing, intensity normalisation and provenance. Validation turns any
 * malformed or foreign model.json into a `WorkbenchError('bad-model')` that says what was expected.
 */
import type { Vec3 } from '../data/volume';
import { WorkbenchError } from '../errors';
import { PRESET_NAMES, type BlockSpec, type NetConfig, type PathSpec } from './presets';

export const MODEL_FORMAT = 'ct-seg-workbench/dual-path-net';
export const MODEL_FORMAT_VERSION = 1;

/** How image intensities were mapped before training: clamp to [min, max], then divide by `divisor`. */
export interface Normalisation {
  min: number;
  max: number;
  divisor: number;
}

export interface Provenance {
  /** ISO 8601; filled in at save time when absent. */
  date?: string;
  seed: number;
  /** Free text naming the training data, e.g. "patient A (organs4), 3 mm". */
  data?: string;
  iterations?: number;
  gitCommit?: string;
}

/** What a saved model carries besides its weights. */
export interface ModelMeta {
  /** One name per output class, background first. */
  classNames: string[];
  /** Training grid spacing (x, y, z) mm; defaults to the preset's. */
  trainingSpacing?: Vec3;
  normalisation: Normalisation;
  provenance: Provenance;
}

export interface ModelTopology {
  format: typeof MODEL_FORMAT;
  version: number;
  config: NetConfig;
  classNames: string[];
  trainingSpacing: Vec3;
  normalisation: Normalisation;
  provenance: Provenance;
}

type Check = (cond: unknown, what: string, found?: unknown) => asserts cond;

function checker(source: string): Check {
  return (cond, what, found) => {
    if (!cond) {
      const f = found === undefined ? '' : `; found ${JSON.stringify(found)?.slice(0, 80)}`;
      throw new WorkbenchError('bad-model', `${source} is not a usable workbench model: expected ${what}${f}.`, { file: source });
    }
  };
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isPosInt = (x: unknown): x is number => Number.isInteger(x) && (x as number) > 0;
const isFiniteNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isVec3 = (x: unknown): x is Vec3 => Array.isArray(x) && x.length === 3 && x.every((v) => isFiniteNum(v) && v > 0);

function checkPath(p: unknown, name: string, check: Check): asserts p is PathSpec {
  check(isObj(p) && isPosInt(p.stem) && Array.isArray(p.blocks), `config.${name} with a stem width and a list of blocks`, p);
  for (const b of p.blocks as unknown[]) {
    const ok = isObj(b) && isPosInt(b.out) && (b.kind === 'standard' || (b.kind === 'bottleneck' && isPosInt(b.mid)));
    check(ok, `each block of config.${name} to be {kind: 'standard', out} or {kind: 'bottleneck', mid, out}`, b as BlockSpec);
  }
}

function checkConfig(c: unknown, check: Check): asserts c is NetConfig {
  check(isObj(c), 'modelTopology.config to be an object', c);
  check(PRESET_NAMES.includes(c.preset as never), `config.preset to be one of ${PRESET_NAMES.join(', ')}`, c.preset);
  check(isPosInt(c.numClasses) && (c.numClasses as number) >= 2, 'config.numClasses ≥ 2', c.numClasses);
  checkPath(c.full, 'full', check);
  checkPath(c.context, 'context', check);
  check(Array.isArray(c.fcHidden) && c.fcHidden.every(isPosInt), 'config.fcHidden to list layer widths', c.fcHidden);
  check(isFiniteNum(c.dropout) && c.dropout >= 0 && c.dropout < 1, 'config.dropout in [0, 1)', c.dropout);
  check(isFiniteNum(c.bnMomentum) && isFiniteNum(c.bnEpsilon), 'config.bnMomentum and config.bnEpsilon numbers');
  const d = c.defaults;
  check(isObj(d) && isVec3(d.spacing) && isPosInt(d.batchSize) && isPosInt(d.outputSize), 'config.defaults {spacing, batchSize, outputSize}', d);
}

/** Checks a loaded `modelTopology` and returns it typed; throws `bad-model` naming `source` otherwise. */
export function parseModelTopology(t: unknown, source: string): ModelTopology {
  const check: Check = checker(source);
  check(isObj(t), `a model.json whose modelTopology is an object (a ${MODEL_FORMAT} model)`, t === undefined ? 'none' : typeof t);
  check(t.format === MODEL_FORMAT, `modelTopology.format "${MODEL_FORMAT}" (this looks like another kind of tfjs model)`, t.format);
  check(
    Number.isInteger(t.version) && (t.version as number) >= 1 && (t.version as number) <= MODEL_FORMAT_VERSION,
    `format version 1 to ${MODEL_FORMAT_VERSION} (a newer workbench may have written it)`,
    t.version,
  );
  checkConfig(t.config, check);
  const k = t.config.numClasses;
  check(Array.isArray(t.classNames) && t.classNames.length === k && t.classNames.every((n) => typeof n === 'string'), `${k} class names`, t.classNames);
  check(isVec3(t.trainingSpacing), 'trainingSpacing as three positive mm values', t.trainingSpacing);
  const nm = t.normalisation;
  check(isObj(nm) && isFiniteNum(nm.min) && isFiniteNum(nm.max) && isFiniteNum(nm.divisor) && nm.divisor !== 0, 'normalisation {min, max, divisor}', nm);
  check(isObj(t.provenance) && isFiniteNum(t.provenance.seed), 'provenance with a seed', t.provenance);
  return t as unknown as ModelTopology;
}

export function makeModelTopology(config: NetConfig, meta: ModelMeta): ModelTopology {
  if (meta.classNames.length !== config.numClasses) {
    throw new WorkbenchError('bad-argument', `The model has ${config.numClasses} classes but ${meta.classNames.length} class names were given.`);
  }
  return {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    config,
    classNames: [...meta.classNames],
    trainingSpacing: meta.trainingSpacing ?? config.defaults.spacing,
    normalisation: { ...meta.normalisation },
    provenance: { ...meta.provenance, date: meta.provenance.date ?? new Date().toISOString() },
  };
}
