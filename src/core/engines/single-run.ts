/**
 * One run at a time that `cancel` stops: the segmenter's and the automatic labeller's. A second `run`
 * while one is going is refused with a 'busy' error; `cancel` aborts the running one's signal.
 */
import { WorkbenchError } from '../errors';

export class SingleRun {
  private abort?: AbortController;
  private about?: string;

  /** `busyMessage`: the sentence a second run is refused with. */
  constructor(private readonly busyMessage: string) {}

  get busy(): boolean {
    return this.abort !== undefined;
  }

  /** The id the running run works on (`run`'s `subject`, e.g. the image being segmented); undefined when idle. */
  get subject(): string | undefined {
    return this.about;
  }

  async run<T>(fn: (signal: AbortSignal) => Promise<T>, subject?: string): Promise<T> {
    if (this.abort) throw new WorkbenchError('busy', this.busyMessage);
    const abort = new AbortController();
    this.abort = abort;
    this.about = subject;
    try {
      return await fn(abort.signal);
    } finally {
      this.abort = undefined;
      this.about = undefined;
    }
  }

  /** Aborts the running run (false when none runs). */
  cancel(): boolean {
    if (!this.abort) return false;
    this.abort.abort();
    return true;
  }
}
