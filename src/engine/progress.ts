/**
 * A progress bar for long work: items done/total, rate, ETA, cached answers, retries and errors.
 * Quiet unless stderr is a terminal (and never with --json, where the caller passes enabled=false).
 */
import { createRequire } from 'node:module';
import type cliProgress from 'cli-progress';

export type RequestEvent = 'sent' | 'cached' | 'retry' | 'failed';

export class Progress {
  private readonly bar: cliProgress.SingleBar | undefined;
  private done = 0;
  private failed = 0;
  private cached = 0;
  private retries = 0;

  constructor(label: string, total: number, enabled: boolean) {
    if (enabled && process.stderr.isTTY && total > 0) {
      // Loaded only for a terminal: runs with --json, in pipes and in CI draw no bar.
      const bars = createRequire(import.meta.url)('cli-progress') as typeof cliProgress;
      this.bar = new bars.SingleBar(
        {
          stream: process.stderr,
          format: `${label} |{bar}| {value}/{total} {percentage}% | {rate}/s | ETA {eta_formatted} | cached {cached} | retries {retries} | errors {errors}`,
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 50,
          fps: 5,
        },
        bars.Presets.shades_classic,
      );
      this.bar.start(total, 0, { rate: '0', cached: 0, retries: 0, errors: 0 });
    }
  }

  private started = Date.now();

  itemDone(failed: boolean): void {
    this.done++;
    if (failed) this.failed++;
    this.render();
  }

  request(event: RequestEvent): void {
    if (event === 'cached') this.cached++;
    else if (event === 'retry') this.retries++;
    this.render();
  }

  private render(): void {
    if (!this.bar) return;
    const secs = Math.max(0.001, (Date.now() - this.started) / 1000);
    this.bar.update(this.done, { rate: (this.done / secs).toFixed(1), cached: this.cached, retries: this.retries, errors: this.failed });
  }

  stop(): void {
    this.bar?.stop();
  }
}
