import { useAppStore } from '../store';

export function BackendBadge() {
  const backend = useAppStore((s) => s.backend);
  const engineError = useAppStore((s) => s.engineError);
  if (engineError) return <span className="badge badge-error" data-testid="backend.badge">Engine failed: {engineError}</span>;
  if (!backend) return <span className="badge" data-testid="backend.badge">Starting compute…</span>;
  const cls = backend.name === 'webgpu' ? 'badge badge-ok' : 'badge badge-warn';
  return (
    <span className={cls} data-testid="backend.badge" title={backend.reason ?? `Compute runs on ${backend.adapter}`}>
      <strong>{backend.name === 'webgpu' ? 'WebGPU' : backend.name === 'webgl' ? 'WebGL' : 'CPU'}</strong>
      <span className="badge-detail">{backend.adapter}</span>
      {backend.reason && <span className="badge-reason" data-testid="backend.reason">{backend.reason}</span>}
    </span>
  );
}
