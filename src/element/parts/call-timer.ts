import { html, nothing } from 'lit';

/** `m:ss`, or `h:mm:ss` from one hour on. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/**
 * The call timer, counting from CALL_START. `role="timer"` is not live, so it is not read out every second.
 * @internal
 */
export function callTimer(options: { startedAt: number | null; label: string; now?: number }) {
  const { startedAt, label } = options;
  if (startedAt === null) return nothing;
  const elapsed = (options.now ?? Date.now()) - startedAt;
  return html`<span part="timer" class="timer" role="timer" aria-label=${label}
    >${formatDuration(elapsed)}</span
  >`;
}
