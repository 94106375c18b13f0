/**
 * Saving and loading a `DualPathNet` in the tfjs model format (model.json + weights.bin) through any
 * `tf.io.IOHandler`: `tf.io.browserDownloads`, `tf.io.browserFiles`, `indexeddb://…` via `tf.io.getSaveHandlers`,
 * `tf.io.fromMemory` / `tf.io.withSaveHandler`, or a Node file handler. Weights are float32, named
 * "<layer>/<w|b|gamma|beta|mean|var>" (batch-norm running averages included).
 */
import * as tf from '@tensorflow/tfjs';
import { errorMessage, isWorkbenchError, WorkbenchError } from '../errors';
import { allLayers } from './architecture';
import { DualPathNet, netFromConfig } from './dual-path-net';
import { makeModelTopology, parseModelTopology, type ModelMeta, type ModelTopology } from './model-format';

export interface LoadedNet {
  net: DualPathNet;
  topology: ModelTopology;
}

/** model.json's `modelTopology` and the weights of `net`, as tfjs model artifacts. */
export async function netArtifacts(net: DualPathNet, meta: ModelMeta): Promise<tf.io.ModelArtifacts> {
  const topology = makeModelTopology(net.config, meta);
  const named = net.params.list.map((p) => ({ name: p.name, tensor: p.variable as tf.Tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  return {
    modelTopology: topology as unknown as object,
    format: topology.format,
    generatedBy: `${topology.format} v${topology.version}`,
    weightSpecs: specs,
    weightData: data,
  };
}

/** Saves `net` with its description through `handler` (e.g. `tf.io.browserDownloads('liver-model')`). */
export async function saveNet(net: DualPathNet, handler: tf.io.IOHandler, meta: ModelMeta): Promise<tf.io.SaveResult> {
  if (!handler.save) throw new WorkbenchError('bad-argument', 'This model destination cannot save (its IOHandler has no save method).');
  return handler.save(await netArtifacts(net, meta));
}

function checkWeights(a: tf.io.ModelArtifacts, net: DualPathNet, source: string): ArrayBuffer {
  const fail = (what: string) => new WorkbenchError('bad-model', `${source} has unusable weights: ${what}.`, { file: source });
  const specs = a.weightSpecs ?? [];
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (const p of net.params.list) {
    const s = byName.get(p.name);
    if (!s) throw fail(`expected a weight named "${p.name}" for the ${net.preset} network, found none`);
    if (s.dtype !== 'float32' || s.quantization) throw fail(`expected "${p.name}" as unquantised float32, found ${s.dtype}${s.quantization ? ' (quantised)' : ''}`);
    if (s.shape.join() !== p.variable.shape.join()) throw fail(`expected "${p.name}" shaped [${p.variable.shape.join(', ')}], found [${s.shape.join(', ')}]`);
  }
  const expected = specs.reduce((sum, s) => sum + 4 * s.shape.reduce((x, y) => x * y, 1), 0);
  const data = a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData);
  if (data.byteLength !== expected) throw fail(`model.json describes ${expected} bytes of weights but the weights file has ${data.byteLength} (truncated or from another model?)`);
  return data;
}

/**
 * Loads a network saved by `saveNet`. `source` names the model in error messages (a file name, a URL).
 * Anything that is not a readable workbench model throws `WorkbenchError('bad-model')`.
 */
export async function loadNet(handler: tf.io.IOHandler, source = 'The model'): Promise<LoadedNet> {
  if (!handler.load) throw new WorkbenchError('bad-argument', `${source} cannot be loaded (its IOHandler has no load method).`);
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await handler.load();
  } catch (e) {
    if (isWorkbenchError(e)) throw e;
    throw new WorkbenchError('bad-model', `${source} could not be read as a tfjs model (model.json + weights): ${errorMessage(e)}`, { file: source, cause: e });
  }
  const topology = parseModelTopology(artifacts?.modelTopology, source);
  let net: DualPathNet;
  try {
    allLayers(topology.config); // throws on inconsistent channel counts
    net = netFromConfig(topology.config, topology.provenance.seed);
  } catch (e) {
    throw new WorkbenchError('bad-model', `${source} describes a network that cannot be built: ${errorMessage(e)}`, { file: source, cause: e });
  }
  try {
    const data = checkWeights(artifacts, net, source);
    const tensors = tf.io.decodeWeights(data, artifacts.weightSpecs ?? []);
    for (const p of net.params.list) p.variable.assign(tensors[p.name]);
    tf.dispose(Object.values(tensors));
  } catch (e) {
    net.dispose();
    throw e;
  }
  return { net, topology };
}
