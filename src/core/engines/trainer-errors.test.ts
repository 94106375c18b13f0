import { describe, expect, it } from 'vitest';
import { testDevice } from '../../testing/gpu';
import type { EngineEvent } from './contract';
import { Trainer } from './trainer';
import { demoStoreOnWebGPU, untilDone } from './testing/demo-training';

describe('Trainer: a failed run says why with a code (WebGPU, tiny, 12 mm)', () => {
  const { store, imageId } = demoStoreOnWebGPU();

  it('a loss that is no longer finite stops the run with code "diverged" on the state event and the status', async () => {
    const events: EngineEvent[] = [];
    const trainer = new Trainer({ store, device: testDevice, emit: (e) => void events.push(e) });
    // Class weights near float32's maximum make the weighted loss overflow on the first step.
    await trainer.start({ images: [imageId], classes: [4], preset: 'tiny', iterations: 2, batchSize: 2, seed: 1, spacing: [12, 12, 12], errorMapEvery: 1000, validateEvery: 1000, classWeights: [3e38, 3e38] });
    await untilDone(trainer);
    const st = trainer.status();
    expect(st.state).toBe('error');
    expect(st.error).toMatch(/The loss became (NaN|Infinity|-Infinity) at step 1; lower the learning rate/);
    expect(st.errorCode).toBe('diverged');
    expect(events.find((e) => e.type === 'state' && e.state === 'error')).toMatchObject({ code: 'diverged', error: st.error });
  });
});
