import { useAppStore } from '../store';

/** The backend in the badge's words. */
const BACKEND_LABEL = { webgpu: 'WebGPU', wasm: 'WebAssembly', webgl: 'WebGL', cpu: 'CPU' } as const;

export function BackendBadge() {
  const backend = useAppStore((s) => s.backend);
  const engineError = useAppStore((s) => s.engineError);
  if (engineError) return <span className="badge badge-error" data-testid="backend.badge">Engine failed: {engineError}</span>;
  if (!backend) return <span className="badge" data-testid="backend.badge">Starting compute…</span>;
  const cls = backend.name === 'webgpu' ? 'badge badge-ok' : 'badge badge-warn';
  return (
    <span className={cls} data-testid="backend.badge" title={backend.reason ?? `Compute runs on ${backend.adapter}`}>
      <strong>{BACKEND_LABEL[backend.name]}</strong>
      <span className="badge-detail">{backend.adapter}</span>
      {backend.reason && <span className="badge-reason" data-testid="backend.reason">{backend.reason}</span>}
    </span>
  );
}
