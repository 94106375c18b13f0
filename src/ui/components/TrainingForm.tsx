import { useMemo, useState } from 'react';
import type { LossName, PresetName, SamplerName, TrainOptions, VolumeInfo } from '../../api/types';
import { demoTrainingDefaults, SAMPLER_NAMES, TRAINING_DEFAULTS } from '../../core/engines/training-defaults';
import { LOSS_NAMES, LOSS_TITLES } from '../../core/losses/loss-names';
import { PRESET_NAMES, PRESET_TITLES } from '../../core/networks/presets';
import { softwareCompute, useAppStore } from '../store';
import { useSegmentationStore } from '../store/segmentation';

function labelled(vols: VolumeInfo[]): VolumeInfo[] {
  return vols.filter((v) => v.role === 'image' && vols.some((l) => l.role === 'label' && l.imageId === v.id));
}

function NumberField(p: { label: string; value: number; step?: number; min?: number; testId: string; onChange: (v: number) => void }) {
  return (
    <label className="field">
      {p.label}
      <input type="number" value={p.value} step={p.step ?? 1} min={p.min ?? 0} data-testid={p.testId} onChange={(e) => p.onChange(Number(e.currentTarget.value))} />
    </label>
  );
}

/** The run's settings: scans, classes, network, sampler, loss and budget. */
export function TrainingForm({ disabled, onStart }: { disabled: boolean; onStart: (o: TrainOptions) => void }) {
  const volumes = useAppStore((s) => s.volumes);
  const candidates = useMemo(() => labelled(volumes), [volumes]);
  const d = useMemo(() => demoTrainingDefaults(softwareCompute()), []);
  const [train, setTrain] = useState<string[] | undefined>();
  const [val, setVal] = useState<string[] | undefined>();
  const [classes, setClasses] = useState<number[] | undefined>();
  // Per scan, the chosen classes it does NOT label (unticked by the user); empty: decided from its voxels.
  const [notLabelled, setNotLabelled] = useState<Record<string, number[]>>({});
  const [preset, setPreset] = useState<PresetName>(d.preset!);
  const [sampler, setSampler] = useState<SamplerName>(TRAINING_DEFAULTS.sampler);
  const [epsilon, setEpsilon] = useState<number>(TRAINING_DEFAULTS.epsilon);
  const [loss, setLoss] = useState<LossName>(TRAINING_DEFAULTS.loss);
  const [lr, setLr] = useState<number>(TRAINING_DEFAULTS.learningRate);
  const [iterations, setIterations] = useState(d.iterations!);
  const [batchSize, setBatchSize] = useState(d.batchSize!);
  const [seed, setSeed] = useState<number>(TRAINING_DEFAULTS.seed);
  const [spacing, setSpacing] = useState(d.spacing![0]);
  const [resumeFrom, setResumeFrom] = useState('');
  const models = useSegmentationStore((s) => s.models);

  const trainIds = train ?? candidates.slice(0, 1).map((v) => v.id);
  const valIds = val ?? trainIds;
  const labelNames = useMemo(() => {
    const out = new Map<number, string>();
    // The label map training uses per scan: the latest one not made by a model (as the engine picks it).
    const used = trainIds.map((id) => {
      const ls = volumes.filter((v) => v.role === 'label' && v.imageId === id);
      return ls.filter((l) => l.origin !== 'segmentation').at(-1) ?? ls[0];
    }).filter((l) => l !== undefined);
    for (const l of used) {
      for (const [k, n] of Object.entries(l.labels ?? {})) out.set(Number(k), n);
    }
    return [...out.entries()].sort((a, b) => a[0] - b[0]);
  }, [volumes, trainIds]);
  const chosenClasses = classes ?? labelNames.map(([k]) => k);
  const toggle = (list: string[], id: string) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);
  const nameOf = new Map(labelNames);
  const toggleLabelled = (id: string, k: number) => {
    const cur = notLabelled[id] ?? [];
    setNotLabelled({ ...notLabelled, [id]: cur.includes(k) ? cur.filter((c) => c !== k) : [...cur, k] });
  };
  // Only scans the user marked as partial are sent; the engine decides the rest from their voxels.
  const labelledClasses = Object.fromEntries(
    trainIds.filter((id) => (notLabelled[id] ?? []).some((k) => chosenClasses.includes(k))).map((id) => [id, chosenClasses.filter((k) => !(notLabelled[id] ?? []).includes(k))]),
  );

  if (candidates.length === 0) return <p className="muted">Load a scan with a label map to train on it.</p>;
  return (
    <div className="training-form">
      <div className="field-group">
        <span className="field-title">Scans (train / validate)</span>
        {candidates.map((v) => (
          <div key={v.id} className="scan-row">
            <input type="checkbox" title="train" checked={trainIds.includes(v.id)} onChange={() => setTrain(toggle(trainIds, v.id))} />
            <input type="checkbox" title="validate" checked={valIds.includes(v.id)} onChange={() => setVal(toggle(valIds, v.id))} />
            <span title={v.name}>{v.name}</span>
            {trainIds.includes(v.id) && chosenClasses.length > 1 && (
              <details className="scan-labels" data-testid={`train.labelled.${v.name}`}>
                <summary>{(notLabelled[v.id] ?? []).some((k) => chosenClasses.includes(k)) ? 'partly labelled' : 'labels'}</summary>
                <span className="muted">Untick an organ this scan does not label: its voxels then count as unknown, not background. Classes with no voxels in the scan's map are treated so anyway.</span>
                <div className="chips">
                  {chosenClasses.map((k) => (
                    <label key={k} className="chip">
                      <input type="checkbox" checked={!(notLabelled[v.id] ?? []).includes(k)} onChange={() => toggleLabelled(v.id, k)} />
                      {nameOf.get(k) ?? `label ${k}`}
                    </label>
                  ))}
                </div>
              </details>
            )}
          </div>
        ))}
      </div>
      <div className="field-group">
        <span className="field-title">Classes</span>
        <div className="chips">
          {labelNames.map(([k, n]) => (
            <label key={k} className="chip">
              <input type="checkbox" checked={chosenClasses.includes(k)} onChange={() => setClasses(chosenClasses.includes(k) ? chosenClasses.filter((c) => c !== k) : [...chosenClasses, k].sort((a, b) => a - b))} />
              {n}
            </label>
          ))}
        </div>
      </div>
      <div className="field-grid">
        <label className="field">Network
          <select value={preset} data-testid="train.preset" onChange={(e) => setPreset(e.currentTarget.value as PresetName)}>
            {PRESET_NAMES.map((n) => <option key={n} value={n}>{PRESET_TITLES[n]}</option>)}
          </select>
        </label>
        <label className="field">Sampler
          <select value={sampler} data-testid="train.sampler" onChange={(e) => setSampler(e.currentTarget.value as SamplerName)}>
            {SAMPLER_NAMES.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
        {sampler === 'isample' && <NumberField label="ε" value={epsilon} step={0.01} testId="train.epsilon" onChange={setEpsilon} />}
        <label className="field">Loss
          <select value={loss} data-testid="train.loss" onChange={(e) => setLoss(e.currentTarget.value as LossName)}>
            {LOSS_NAMES.map((n) => <option key={n} value={n}>{LOSS_TITLES[n]}</option>)}
          </select>
        </label>
        <NumberField label="Learning rate" value={lr} step={0.001} testId="train.lr" onChange={setLr} />
        <NumberField label="Iterations" value={iterations} min={1} testId="train.iterations" onChange={setIterations} />
        <NumberField label="Batch" value={batchSize} min={1} testId="train.batch" onChange={setBatchSize} />
        <NumberField label="Spacing (mm)" value={spacing} step={0.5} min={0.5} testId="train.spacing" onChange={setSpacing} />
        <NumberField label="Seed" value={seed} testId="train.seed" onChange={setSeed} />
        <label className="field">Start from
          <select value={resumeFrom} data-testid="train.resume-from" onChange={(e) => {
            const id = e.currentTarget.value;
            setResumeFrom(id);
            const m = models.find((x) => x.id === id);
            if (m?.preset) setPreset(m.preset);
            if (m) setSpacing(m.spacingMm[0]);
          }}>
            <option value="">fresh weights</option>
            {models.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
          </select>
        </label>
      </div>
      <button
        className="primary"
        data-testid="train.start"
        disabled={disabled || trainIds.length === 0 || chosenClasses.length === 0}
        onClick={() =>
          onStart({
            images: trainIds, validation: valIds, classes: chosenClasses, preset, sampler, epsilon, loss,
            ...(Object.keys(labelledClasses).length ? { labelledClasses } : {}),
            learningRate: lr, iterations, batchSize, seed, spacing: [spacing, spacing, spacing],
            errorMapEvery: d.errorMapEvery, validateEvery: d.validateEvery,
            ...(resumeFrom ? { resumeFrom } : {}),
          })
        }
      >
        Start training
      </button>
    </div>
  );
}
