/**
 * Runs callbacks after a delay without reordering them: a callback never runs before one queued earlier,
 * even when the delay shrinks meanwhile (a signaling delay fault ending mid-stream must not let later
 * frames overtake delayed ones). With no delay and nothing queued, it runs at once.
 */
export class OrderedDelay {
  private readonly queue: Array<{ due: number; fn: () => void }> = [];
  private timer: NodeJS.Timeout | undefined;

  run(delayMs: number, fn: () => void): void {
    if (delayMs <= 0 && this.queue.length === 0) {
      fn();
      return;
    }
    const last = this.queue.at(-1)?.due ?? 0;
    this.queue.push({ due: Math.max(Date.now() + Math.max(0, delayMs), last), fn });
    if (!this.timer) this.arm();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }

  /** One timer, for the head of the queue only. */
  private arm(): void {
    const head = this.queue[0];
    if (!head) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      while (this.queue[0] && this.queue[0].due <= now) this.queue.shift()!.fn();
      if (!this.timer) this.arm();
    }, head.due - Date.now());
  }
}
