/**
 * Per-model admission control: a concurrency cap (p-queue), a request-per-minute and a
 * token-per-minute budget (token buckets refilled continuously), and a shared cool-down that a 429
 * with Retry-After imposes on every worker of that model, not only the one that received it.
 */
import PQueue from 'p-queue';
import { sleep } from './backoff.js';

class TokenBucket {
  private tokens: number;
  private last = Date.now();
  constructor(private readonly perMinute: number) {
    // Start with a modest burst so a run does not open with a minute's worth of requests at once.
    this.tokens = Math.max(1, perMinute / 60);
  }
  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.last) / 60_000) * this.perMinute);
    this.last = now;
  }
  /** Wait until `amount` tokens are available, then take them. */
  async take(amount: number, signal?: AbortSignal): Promise<void> {
    const want = Math.min(amount, this.perMinute);
    for (;;) {
      this.refill();
      if (this.tokens >= want) {
        this.tokens -= want;
        return;
      }
      const waitMs = ((want - this.tokens) / this.perMinute) * 60_000;
      await sleep(Math.max(5, waitMs), signal);
    }
  }
}

export interface LimiterOptions {
  concurrency: number;
  rpm?: number | undefined;
  tpm?: number | undefined;
}

export class ModelLimiter {
  readonly queue: PQueue;
  private readonly requests: TokenBucket | undefined;
  private readonly tokens: TokenBucket | undefined;
  private coolDownUntil = 0;

  constructor(opts: LimiterOptions) {
    this.queue = new PQueue({ concurrency: opts.concurrency });
    this.requests = opts.rpm ? new TokenBucket(opts.rpm) : undefined;
    this.tokens = opts.tpm ? new TokenBucket(opts.tpm) : undefined;
  }

  /** Called before each attempt (including retries). */
  async admit(estimatedTokens: number, signal?: AbortSignal): Promise<void> {
    const wait = this.coolDownUntil - Date.now();
    if (wait > 0) await sleep(wait, signal);
    if (this.requests) await this.requests.take(1, signal);
    if (this.tokens) await this.tokens.take(estimatedTokens, signal);
  }

  /** A server asked us to back off: every worker of this model waits at least this long. */
  coolDown(ms: number): void {
    this.coolDownUntil = Math.max(this.coolDownUntil, Date.now() + ms);
  }
}
