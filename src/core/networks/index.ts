export { createDualPathNet, netFromConfig, probabilities, DualPathNet } from './dual-path-net';
export type { DualPathInputs, LayerRow, NetSummary } from './dual-path-net';
export { presetConfig, PRESET_NAMES } from './presets';
export type { BlockSpec, NetConfig, PathSpec, PresetName } from './presets';
export { CONTEXT_FACTOR, patchGeometry, receptiveField } from './architecture';
export type { LayerSpec, PatchGeometry } from './architecture';
export { batchNorm, channelMoments } from './batch-norm';
export { upsampleNearest3d, upsampleNearest3dReference } from './upsample';
