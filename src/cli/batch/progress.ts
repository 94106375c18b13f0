/**
 * Progress of a batch: on a terminal, one bar redrawn in place (cases done, the running case's tiles, time
 * left); in a log (stdout not a TTY), one plain line per event and no control characters.
 *
 * Time left = the running case's estimate (from its tiles so far) + the cases still waiting × the mean
 * seconds of the cases segmented in this run (before the first one ends: the running case's projected
 * total). Redraws at most every `REDRAW_MS`.
 */
const REDRAW_MS = 100;

export interface ProgressSink {
  write(text: string): void;
  isTTY?: boolean;
  columns?: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export class Progress {
  private finished = 0;
  private segmentedSeconds: number[] = [];
  private current?: { id: string; startedAt: number; tilesDone: number; tilesTotal: number; etaMs?: number };
  private drawn = false;
  private drawnAt = -Infinity;

  constructor(private readonly out: ProgressSink, private readonly total: number, private readonly now: () => number = () => performance.now()) {}

  get tty(): boolean {
    return !!this.out.isTTY;
  }

  /** A line of its own (above the bar on a terminal). */
  log(line: string): void {
    if (this.tty) {
      this.clear();
      this.out.write(line + '\n');
      this.draw();
    } else this.out.write(line + '\n');
  }

  start(id: string): void {
    this.current = { id, startedAt: this.now(), tilesDone: 0, tilesTotal: 0 };
    this.draw();
  }

  tiles(tilesDone: number, tilesTotal: number, etaMs?: number): void {
    if (!this.current) return;
    Object.assign(this.current, { tilesDone, tilesTotal, etaMs });
    if (this.now() - this.drawnAt >= REDRAW_MS) this.draw();
  }

  /** A case is settled; `segmentedSeconds` when it was segmented in this run (feeds the estimate). */
  end(segmentedSeconds?: number): void {
    this.finished++;
    if (segmentedSeconds !== undefined) this.segmentedSeconds.push(segmentedSeconds);
    this.current = undefined;
    this.draw();
  }

  /** Seconds left, or undefined before anything was timed. */
  secondsLeft(): number | undefined {
    const waiting = this.total - this.finished - (this.current ? 1 : 0);
    const c = this.current;
    const running = c?.etaMs !== undefined ? c.etaMs / 1000 : c ? undefined : 0;
    const projected = c?.etaMs !== undefined ? (this.now() - c.startedAt) / 1000 + c.etaMs / 1000 : undefined;
    const mean = this.segmentedSeconds.length ? this.segmentedSeconds.reduce((a, b) => a + b, 0) / this.segmentedSeconds.length : projected;
    const runningLeft = running ?? mean;
    if (runningLeft === undefined || (waiting > 0 && mean === undefined)) return undefined;
    return runningLeft + waiting * (mean ?? 0);
  }

  /** The bar's text (without control characters). */
  line(width = 80): string {
    const frac = this.total ? this.finished / this.total : 1;
    const barWidth = Math.max(10, Math.min(30, width - 60));
    const full = Math.round(frac * barWidth);
    const left = this.secondsLeft();
    const c = this.current;
    const cur = c ? ` · ${c.id}${c.tilesTotal ? ` tile ${c.tilesDone}/${c.tilesTotal}` : ''}` : '';
    const bar = `[${'#'.repeat(full)}${'-'.repeat(barWidth - full)}] ${this.finished}/${this.total} cases`;
    const eta = ` · ${left === undefined ? 'time left unknown' : `${formatDuration(left)} left`}`;
    // On a narrow terminal the running case goes first, then the end of the line.
    const text = (bar + cur + eta).length < width ? bar + cur + eta : bar + eta;
    return text.length < width ? text : text.slice(0, width - 1);
  }

  private clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }

  private draw(): void {
    if (!this.tty) return;
    this.clear();
    this.out.write(this.line(this.out.columns || 80));
    this.drawn = true;
    this.drawnAt = this.now();
  }

  /** Leaves the terminal on a fresh line. */
  close(): void {
    if (this.tty && this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
