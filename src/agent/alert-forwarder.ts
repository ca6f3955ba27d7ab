import { errorMessage, type Logger } from '../core/index.js';
import type { Alert } from '../scenarios/index.js';
import type { Store } from '../store/index.js';
import { LapiAnswerError } from './watcher-client.js';

/**
 * `herd agent`'s outbox, emptied into its local API. The engine commits alerts to the local store
 * with `forwardAlerts` (in the same transaction as the read positions), and this loop pushes them
 * oldest first and marks them forwarded only after the API acknowledged them. A crash between the
 * two re-sends the batch; the API stores an alert uuid once, so every alert arrives exactly once.
 * While the API is down the alerts wait in the store (and survive restarts); retries back off.
 */

export interface AlertPusher {
  pushAlerts(alerts: readonly Alert[]): Promise<unknown>;
  heartbeat(): Promise<void>;
  readonly url: string;
}

export interface ForwarderOptions {
  /** Alerts per push (default 50). */
  batchSize?: number;
  /** First retry delay after a failure (default 1 s), doubled up to `retryMaxMs` (default 30 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Heartbeat period (default 30 s, as CrowdSec's agent). */
  heartbeatEveryMs?: number;
}

export interface ForwarderStats {
  pushed: number;
  pushes: number;
  failures: number;
  /** Alerts the API refused as invalid even alone (400, 413, 422): logged and taken out of the outbox. */
  refused: number;
}

export class AlertForwarder {
  readonly stats: ForwarderStats = { pushed: 0, pushes: 0, failures: 0, refused: 0 };
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private lastError = '';
  private readonly batchSize: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private readonly heartbeatEveryMs: number;

  constructor(
    private readonly store: Store,
    private readonly api: AlertPusher,
    private readonly logger: Logger,
    options: ForwarderOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 50;
    this.retryMinMs = options.retryMinMs ?? 1000;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    this.heartbeatEveryMs = options.heartbeatEveryMs ?? 30_000;
  }

  /** New alerts are in the outbox: push them now rather than at the next heartbeat. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Pushes everything in the outbox, batch by batch; returns how many alerts went. Throws on the
   * first failure that a retry may cure (API unreachable, 5xx, credentials); what is pushed stays
   * pushed.
   */
  async pushPending(): Promise<number> {
    let sent = 0;
    for (;;) {
      const batch = await this.store.alertsToForward(this.batchSize);
      if (batch.length === 0) return sent;
      sent += await this.pushBatch(batch);
    }
  }

  private async pushBatch(batch: readonly (Alert & { id: number })[]): Promise<number> {
    try {
      await this.api.pushAlerts(batch);
      this.stats.pushes++;
    } catch (err) {
      if (!(err instanceof LapiAnswerError) || !refusal(err.status)) throw err;
      if (batch.length > 1) {
        // Find the alert the API refuses: push one by one (the others still go).
        let n = 0;
        for (const a of batch) n += await this.pushBatch([a]);
        return n;
      }
      this.stats.refused++;
      this.logger.error({ alert: batch[0]!.uuid, scenario: batch[0]!.scenario, err: err.message }, 'the local API refuses this alert; it is dropped from the outbox');
      await this.store.markAlertsForwarded([batch[0]!.id]);
      return 0;
    }
    await this.store.markAlertsForwarded(batch.map((a) => a.id));
    this.stats.pushed += batch.length;
    return batch.length;
  }

  /** Runs until `signal` aborts: pushes on wake-ups and at every heartbeat, backing off on failures. */
  async run(signal: AbortSignal): Promise<void> {
    let delay = this.retryMinMs;
    let nextHeartbeat = 0;
    while (!signal.aborted) {
      this.woken = false;
      let waitMs: number;
      try {
        const n = await this.pushPending();
        if (n > 0) this.logger.info({ alerts: n, api: this.api.url }, 'alerts pushed');
        if (Date.now() >= nextHeartbeat) {
          await this.api.heartbeat();
          nextHeartbeat = Date.now() + this.heartbeatEveryMs;
        }
        if (this.lastError !== '') this.logger.info({ api: this.api.url }, 'the local API answers again');
        this.lastError = '';
        delay = this.retryMinMs;
        waitMs = Math.max(0, nextHeartbeat - Date.now());
      } catch (err) {
        this.stats.failures++;
        const message = errorMessage(err);
        // Say it when it starts or changes, not at every retry.
        if (message !== this.lastError) this.logger.warn({ err: message, retryInMs: delay }, 'cannot push alerts to the local API; they wait in the outbox');
        this.lastError = message;
        waitMs = delay;
        delay = Math.min(this.retryMaxMs, delay * 2);
      }
      if (this.woken && this.lastError === '') continue;
      await this.sleep(waitMs, signal);
    }
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      // A wake-up during a back-off does not cut it short: the API is failing.
      this.wakeUp = this.lastError === '' ? done : null;
    });
  }
}

/** Answers that say the request itself is wrong: retrying the same alert cannot succeed. */
function refusal(status: number): boolean {
  return status === 400 || status === 413 || status === 422;
}
