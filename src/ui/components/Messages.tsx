import { useEffect } from 'react';
import { useAppStore } from '../store';

/** Errors and warnings stay until dismissed; information fades after a few seconds. */
export function Messages() {
  const messages = useAppStore((s) => s.messages);
  const dismiss = useAppStore((s) => s.dismissMessage);
  useEffect(() => {
    const timers = messages.filter((m) => m.kind === 'info').map((m) => setTimeout(() => dismiss(m.id), 5000));
    return () => timers.forEach(clearTimeout);
  }, [messages, dismiss]);
  return (
    <div className="messages" aria-live="polite">
      {messages.slice(-4).map((m) => (
        <div key={m.id} className={`message message-${m.kind}`} data-testid={`message.${m.kind}`} role={m.kind === 'error' ? 'alert' : 'status'}>
          <span>{m.text}</span>
          <button aria-label="Dismiss" onClick={() => dismiss(m.id)}>×</button>
        </div>
      ))}
    </div>
  );
}
