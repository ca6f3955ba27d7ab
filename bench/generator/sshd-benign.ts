/**
 * Benign auth.log activity: admins logging in (keys, or passwords mistyped once or twice), using
 * sudo and su; deploy keys from CI runners; a bastion; backups and configuration management;
 * cron; a TCP health check; a legacy device that cannot negotiate; internet research scanners
 * that connect once or twice without trying to log in; an sshd reload.
 */
import type { EventLog } from './event-log.js';
import type { Rng } from './rng.js';
import { Msg, NEW, SshActor, type HostInfo } from './sshd-actor.js';
import type { Timeline } from './timeline.js';

export type SshUserMode = 'admin' | 'deploy' | 'bastion' | 'backup' | 'ansible';

export interface SshUserOptions {
  ip: string;
  seed: number;
  user: string;
  uid: number;
  mode: SshUserMode;
  /** Logs in with a password (and sometimes mistypes it) rather than a key. */
  password: boolean;
  key: string;
  /** Office-hours offset from UTC. */
  tz: number;
  /** Linux clients use the 32768–60999 ephemeral range; others 49152–65535. */
  linux: boolean;
}

/** A fingerprint as sshd prints it: `ED25519 SHA256:<43 base64 chars>`. */
export function keyFingerprint(rng: Rng): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let fp = '';
  for (let i = 0; i < 43; i++) fp += alphabet[rng.int(64)];
  const type = rng.chance(0.7) ? 'ED25519' : rng.chance(0.8) ? 'RSA' : 'ECDSA';
  return `${type} SHA256:${fp}`;
}

export class SshUser extends SshActor {
  constructor(
    private readonly opts: SshUserOptions,
    host: HostInfo,
  ) {
    super(opts.ip, 'benign', [], opts.seed, host);
  }

  protected pickUser(): void {
    this.user = this.opts.user;
    this.uid = this.opts.uid;
  }

  protected override newPort(): number {
    return this.opts.linux ? this.rng.range(32768, 60999) : this.rng.range(49152, 65535);
  }

  protected override keyText(): string {
    return this.opts.key;
  }

  plan(log: EventLog, rng: Rng, time: Timeline): void {
    const o = this.opts;
    const starts: number[] = [];
    const hour = 3_600_000;
    switch (o.mode) {
      case 'admin':
        for (let k = rng.range(1, 6); k > 0; k--) starts.push(time.officeHours(rng, o.tz));
        break;
      case 'bastion':
        for (let k = rng.range(5, 30); k > 0; k--) starts.push(time.officeHours(rng, o.tz));
        break;
      case 'deploy':
        for (let k = rng.range(2, 20); k > 0; k--) starts.push(time.officeHours(rng, o.tz));
        break;
      case 'backup': {
        // Nightly at 02:xx local time.
        const first = ((((2 - o.tz - time.hourOf(0)) % 24) + 24) % 24) * hour;
        for (let base = first; base < time.window; base += 24 * hour) starts.push(base + rng.uniform(0, 20 * 60_000));
        break;
      }
      default:
        for (let t = rng.uniform(0, 30 * 60_000); t < time.window; t += 30 * 60_000 + rng.uniform(-5_000, 5_000)) starts.push(t);
    }
    starts.sort((a, b) => a - b);
    for (const s of starts) {
      const t = Math.max(s, log.lastTime + rng.uniform(30_000, 300_000));
      const ok = o.mode === 'deploy' ? this.deploy(log, rng, t) : this.visit(log, rng, t);
      if (!ok) return;
    }
  }

  private visit(log: EventLog, rng: Rng, start: number): boolean {
    const o = this.opts;
    let t = start;
    if (o.mode !== 'backup' && o.mode !== 'ansible' && rng.chance(0.04)) {
      // Gave up at the passphrase prompt or offered the wrong key first.
      if (!log.emit(t, NEW | Msg.CLOSED_AUTH)) return false;
      t += rng.uniform(5_000, 60_000);
    }
    if (o.password) {
      const typos = rng.chance(0.7) ? 0 : rng.chance(0.75) ? 1 : 2;
      if (typos > 0) {
        t += rng.uniform(2_000, 6_000);
        if (!log.emit(t, NEW | Msg.PAM_FAIL_USER) || !log.emit(t + 2, Msg.FAILED)) return false;
        for (let i = 1; i < typos; i++) if (!log.emit((t += rng.uniform(3_000, 9_000)), Msg.FAILED)) return false;
        t += rng.uniform(3_000, 9_000);
        if (!log.emit(t, Msg.ACCEPTED_PW)) return false;
      } else if (!log.emit(t, NEW | Msg.ACCEPTED_PW)) {
        return false;
      }
    } else if (!log.emit(t, NEW | Msg.ACCEPTED_KEY)) {
      return false;
    }
    if (!log.emit(t + 3, Msg.SESSION_OPENED) || !log.emit(t + 8, Msg.LOGIND_NEW)) return false;
    const end = t + (o.mode === 'backup' ? rng.uniform(300_000, 2_400_000) : o.mode === 'ansible' ? rng.uniform(4_000, 40_000) : rng.logNormal(900_000, 1));
    if (o.mode === 'admin' || o.mode === 'bastion' || o.mode === 'ansible') {
      const groups = o.mode === 'ansible' ? rng.range(1, 3) : rng.range(0, 4);
      for (let g = 0; g < groups; g++) {
        t += Math.min((end - t) / 2, rng.uniform(2_000, 600_000));
        if (o.mode === 'ansible') {
          if (!log.emit(t, Msg.SUDO_CMD_NOTTY, rng.int(4)) || !log.emit(t + 1, Msg.SUDO_OPENED) || !log.emit(t + rng.uniform(200, 3_000), Msg.SUDO_CLOSED)) return false;
          continue;
        }
        const cmd = rng.int(100);
        if (rng.chance(0.06)) {
          if (!log.emit(t, Msg.SUDO_AUTH_FAIL) || !log.emit((t += rng.uniform(2_000, 5_000)), Msg.SUDO_INCORRECT, cmd)) return false;
          t += rng.uniform(1_000, 8_000);
        }
        if (!log.emit(t, Msg.SUDO_CMD, cmd) || !log.emit(t + 1, Msg.SUDO_OPENED)) return false;
        t += rng.uniform(200, 120_000);
        if (!log.emit(t, Msg.SUDO_CLOSED)) return false;
        if (o.mode === 'admin' && rng.chance(0.1)) {
          t += rng.uniform(5_000, 60_000);
          if (!log.emit(t, Msg.SU_TO) || !log.emit(t + 1, Msg.SU_OPENED) || !log.emit((t += rng.uniform(10_000, 300_000)), Msg.SU_CLOSED)) return false;
        }
      }
    }
    return this.close(log, rng, Math.max(t + 1_000, end));
  }

  /** A CI deploy: a few short key-authenticated connections within a minute. */
  private deploy(log: EventLog, rng: Rng, start: number): boolean {
    let t = start;
    for (let c = rng.range(1, 4); c > 0; c--) {
      if (!log.emit(t, NEW | Msg.ACCEPTED_KEY) || !log.emit(t + 3, Msg.SESSION_OPENED) || !log.emit(t + 9, Msg.LOGIND_NEW)) return false;
      t += rng.uniform(500, 5_000);
      if (rng.chance(0.5)) {
        if (!log.emit(t, Msg.SUDO_CMD_NOTTY, rng.int(4)) || !log.emit(t + 1, Msg.SUDO_OPENED) || !log.emit((t += rng.uniform(300, 9_000)), Msg.SUDO_CLOSED)) return false;
      }
      if (!this.close(log, rng, t + rng.uniform(200, 30_000))) return false;
      t = log.lastTime + rng.uniform(1_000, 15_000);
    }
    return true;
  }

  private close(log: EventLog, rng: Rng, t: number): boolean {
    return (
      log.emit(t, Msg.RECV_DISC_USER) &&
      log.emit(t + 1, Msg.DISCONNECTED_USER) &&
      log.emit(t + 3, Msg.SESSION_CLOSED) &&
      log.emit(t + 5, Msg.LOGIND_LOGGED_OUT) &&
      log.emit(t + rng.uniform(6, 200), Msg.LOGIND_REMOVED)
    );
  }
}

export interface CronJobOptions {
  seed: number;
  user: string;
  uid: number;
  /** Runs when minute % every === offset. */
  every: number;
  offset: number;
}

/** A crontab entry: session opened/closed for each run, no client address. */
export class CronJob extends SshActor {
  constructor(
    private readonly opts: CronJobOptions,
    host: HostInfo,
  ) {
    super('', 'benign', [], opts.seed, host);
  }

  protected pickUser(): void {
    this.user = this.opts.user;
    this.uid = this.opts.uid;
  }

  plan(log: EventLog, rng: Rng, time: Timeline): void {
    const minute = 60_000;
    const firstMinute = Math.ceil(time.startMs / minute);
    const runs = Math.floor(time.window / minute);
    // When the budget is smaller than the window holds, the job was installed later in the day.
    const allowed = Math.floor(log.room / 2);
    const skip = allowed < runs / this.opts.every ? Math.max(0, Math.ceil(runs - allowed * this.opts.every)) : 0;
    for (let m = skip; m < runs; m++) {
      if ((firstMinute + m) % this.opts.every !== this.opts.offset % this.opts.every) continue;
      const t = (firstMinute + m) * minute - time.startMs + rng.uniform(0, 900);
      if (t < 0) continue;
      if (!log.emit(t, NEW | Msg.CRON_OPENED) || !log.emit(t + rng.uniform(40, Math.min(30_000, this.opts.every * minute * 0.5)), Msg.CRON_CLOSED)) return;
    }
  }
}

/** Research scanners (and the like): one to three connections that never try to authenticate. */
export class SshNoise extends SshActor {
  constructor(ip: string, seed: number, host: HostInfo) {
    super(ip, 'benign', [], seed, host);
  }

  protected pickUser(): void {
    this.user = '';
  }

  plan(log: EventLog, rng: Rng, time: Timeline): void {
    let t = time.any(rng);
    for (let c = rng.range(1, 3); c > 0; c--) {
      const r = rng.next();
      const ok =
        r < 0.3
          ? log.emit(t, NEW | Msg.KEX_CLOSED) && log.emit(t + 1, Msg.CLOSED_PLAIN)
          : r < 0.5
            ? log.emit(t, NEW | Msg.CLOSED_PREAUTH)
            : r < 0.65
              ? log.emit(t, NEW | Msg.NEGOTIATE_KEX, rng.int(3))
              : r < 0.75
                ? log.emit(t, NEW | Msg.KEX_BANNER) && log.emit(t + 1, Msg.BANNER_INVALID)
                : r < 0.88
                  ? log.emit(t, NEW | Msg.RECV_BYE) && log.emit(t + 1, Msg.DISCONNECTED_PREAUTH)
                  : log.emit(t, NEW | Msg.KEX_RESET) && log.emit(t + 1, Msg.RESET_PREAUTH);
      if (!ok) return;
      t += rng.uniform(1_000, 900_000);
    }
  }
}

/** A monitoring system checking that port 22 answers: connect, close. */
export class SshPortCheck extends SshActor {
  constructor(
    ip: string,
    seed: number,
    host: HostInfo,
    private readonly interval: number,
  ) {
    super(ip, 'benign', [], seed, host);
  }

  protected pickUser(): void {
    this.user = '';
  }

  protected override newPort(): number {
    return this.rng.range(32768, 60999);
  }

  plan(log: EventLog, rng: Rng, time: Timeline): void {
    const step = this.interval * 1000;
    let t = log.room / 2 < time.window / step ? time.window - (log.room / 2) * step * 1.01 : rng.uniform(0, step);
    t = Math.max(0, t);
    while (log.emit(t, NEW | Msg.KEX_CLOSED) && log.emit(t + 1, Msg.CLOSED_PLAIN)) t += step + rng.uniform(-500, 500);
  }
}

/** An old NAS whose nightly backup job cannot agree on a host key algorithm. */
export class LegacyClient extends SshActor {
  constructor(ip: string, seed: number, host: HostInfo) {
    super(ip, 'benign', [], seed, host);
  }

  protected pickUser(): void {
    this.user = '';
  }

  plan(log: EventLog, rng: Rng, time: Timeline): void {
    const day = 24 * 3_600_000;
    for (let base = ((1 - time.hourOf(0) + 24) % 24) * 3_600_000; base < time.window; base += day) {
      let t = base + rng.uniform(0, 600_000);
      for (let k = rng.range(1, 3); k > 0; k--) {
        if (!log.emit(t, NEW | Msg.NEGOTIATE_HOSTKEY, 0)) return;
        t += rng.uniform(60_000, 300_000);
      }
    }
  }
}

/** sshd reloaded once (config change): lines from the listener, no client. */
export class SshdReload extends SshActor {
  constructor(seed: number, host: HostInfo) {
    super('', 'benign', [], seed, host);
  }

  protected pickUser(): void {
    this.user = '';
  }

  plan(log: EventLog, rng: Rng, time: Timeline): void {
    const t = time.officeHours(rng, 1);
    if (log.emit(t, Msg.SSHD_SIGHUP)) {
      if (log.emit(t + 40, Msg.LISTEN_V4)) log.emit(t + 41, Msg.LISTEN_V6);
    }
  }
}
