/**
 * An actor is one client as the log sees it: a browser, a crawler, a cron job, one thread of a
 * brute-force bot. Its plan writes (time, code, arg) events into the EventLog; `render` turns one event
 * into one line when the merge reaches it. Several actors may share an IP (NAT users, bot threads).
 */
import { Rng } from './rng.js';

export type Role = 'benign' | 'attacker';

/** State shared by all actors of one log while its lines are made, in time order. */
export class RenderContext {
  /** Absolute time of the current line (ms since epoch). */
  ms = 0;
  /** The formatted timestamp of the current line. */
  time = '';
  private pid: number;
  private session: number;
  private readonly rng: Rng;

  constructor(seed: number, firstPid: number, firstSession: number) {
    this.rng = new Rng(seed);
    this.pid = firstPid;
    this.session = firstSession;
  }

  /** The next process id: increasing, with the gaps other processes leave. */
  nextPid(): number {
    this.pid += this.rng.chance(0.1) ? this.rng.range(2, 40) : this.rng.range(1, 3);
    if (this.pid > 4194000) this.pid = 1000 + this.rng.int(1000);
    return this.pid;
  }

  /** The next systemd-logind session number. */
  nextSession(): number {
    this.session += 1;
    return this.session;
  }
}

export abstract class Actor {
  /** This actor's events are log.times/codes[off, end). */
  off = 0;
  end = 0;
  /** Merge cursor. */
  pos = 0;
  /** Render-time randomness; reseeded by start() so every pass gives the same text. */
  protected readonly rng: Rng;

  constructor(
    /** Client address as written in the log; '' for lines without one (cron, sudo). */
    readonly ip: string,
    readonly role: Role,
    /** For attackers: the behaviours this actor's lines show. */
    readonly behaviours: readonly string[],
    private readonly seed: number,
  ) {
    this.rng = new Rng(seed);
  }

  get lines(): number {
    return this.end - this.off;
  }

  /** Records where the plan wrote this actor's events. */
  own(segment: readonly [number, number]): void {
    this.off = segment[0];
    this.end = segment[1];
    this.pos = segment[0];
  }

  /** Rewinds before a pass over the log. */
  start(): void {
    this.pos = this.off;
    this.rng.reseed(this.seed);
    this.reset();
  }

  /** Clears render state (current page, connection, ...). */
  protected abstract reset(): void;

  /** The full line for one event (`code` and `arg` as the plan wrote them). */
  abstract render(code: number, arg: number, ctx: RenderContext): string;
}
