import { describe, expect, it } from 'vitest';
import { adapterWords, isSoftwareAdapterName } from './adapter';
import { Device } from './device';
import { defaultPresetFor, demoTrainingDefaults, TRAINING_DEFAULTS } from '../engines/training-defaults';

describe('one decision on "software adapter"', () => {
  it.each([
    ['google swiftshader', true],
    ['mesa llvmpipe', true],
    ['mesa lavapipe', true],
    ['microsoft basic render driver', true],
    ['nvidia ampere', false],
    ['apple metal-3', false],
    ['unknown adapter', false],
  ])('%s → %s', (words, software) => {
    expect(isSoftwareAdapterName(words)).toBe(software);
  });

  it('adapterWords joins the distinct non-empty fields', () => {
    expect(adapterWords({ vendor: 'google', architecture: 'swiftshader', device: '', description: 'google' })).toBe('google swiftshader');
    expect(adapterWords(undefined)).toBe('unknown adapter');
  });

  it('Device.software: a software WebGPU adapter or any other backend', () => {
    const limits = { maxStorageBufferBindingSize: 1, maxBufferSize: 1, maxComputeWorkgroupStorageSize: 1, maxComputeInvocationsPerWorkgroup: 1, maxComputeWorkgroupSizeX: 1, maxComputeWorkgroupsPerDimension: 1 };
    expect(new Device({ name: 'webgpu', adapter: 'nvidia ampere', limits, software: false }).software).toBe(false);
    expect(new Device({ name: 'webgpu', adapter: 'google swiftshader', limits, software: true }).software).toBe(true);
    expect(new Device({ name: 'webgl', adapter: 'WebGL' }).software).toBe(true);
    expect(new Device({ name: 'cpu', adapter: 'JavaScript on the CPU' }).software).toBe(true);
  });

  it('the defaults follow the device: tiny and a short run on the CPU, small and a longer one on a GPU', () => {
    expect(defaultPresetFor(true)).toBe('tiny');
    expect(defaultPresetFor(false)).toBe('small');
    const cpu = demoTrainingDefaults(true);
    const gpu = demoTrainingDefaults(false);
    expect([cpu.preset, gpu.preset]).toEqual(['tiny', 'small']);
    expect(cpu.iterations!).toBeLessThan(gpu.iterations!);
    for (const d of [cpu, gpu]) expect({ sampler: d.sampler, epsilon: d.epsilon, seed: d.seed }).toEqual({ sampler: TRAINING_DEFAULTS.sampler, epsilon: TRAINING_DEFAULTS.epsilon, seed: TRAINING_DEFAULTS.seed });
  });
});
