/**
 * generateCorpus: plans both logs from one seed (who, when, how much), computes the ground truth,
 * and hands back the lines as iterables that make the text lazily, in time order.
 */
import { HerdError } from '../../src/core/index.js';
import { RenderContext } from './actor.js';
import { IpPool } from './ip-pool.js';
import type { LogPlan } from './log-plan.js';
import { mergeLines } from './merge.js';
import { planNginx } from './nginx-plan.js';
import { Rng } from './rng.js';
import { planSshd, type Admin } from './sshd-plan.js';
import { formatNginxTime, formatSyslogTime } from './time-format.js';
import { Timeline } from './timeline.js';
import { buildTruth, type Truth } from './truth.js';

export interface CorpusOptions {
  seed: number;
  nginxLines: number;
  sshdLines: number;
  /** Default: 8 January of the current year, 00:00 UTC (see defaultCorpusStart). */
  start?: Date;
  /** Default 24. */
  durationHours?: number;
}

export interface Corpus {
  /** nginx combined lines in time order; each iteration makes the same lines again (one pass at a time). */
  nginx: Iterable<string>;
  /** auth.log lines in time order. */
  sshd: Iterable<string>;
  truth: Truth;
}

/**
 * 8 January 00:00 UTC of the year of `now`: fixed within a year (same seed, same bytes), and in the
 * current year because syslog timestamps carry none and readers assume the current one.
 */
export function defaultCorpusStart(now: Date = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), 0, 8, 0, 0, 0));
}

const ADMIN_NAMES = [
  'alice', 'bmartin', 'chen', 'dpatel', 'ekim', 'fgarcia', 'gnovak', 'hsato', 'ijones', 'jschmidt', 'klee', 'lrossi',
  'mnguyen', 'nkowalski', 'okafor', 'pdubois', 'qwang', 'rsilva', 'svolkova', 'tbrown', 'usingh', 'vpetrov', 'wmeyer',
  'xli', 'ymori', 'zahmed', 'aberg', 'bcosta', 'cdiaz', 'dfischer',
] as const;

function checkOptions(opts: CorpusOptions): void {
  const count = (name: string, v: number): void => {
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new HerdError('HERD_BENCH_OPTIONS', `${name} must be a whole number ≥ 0, got ${String(v)}`);
    }
  };
  count('seed', opts.seed);
  count('nginxLines', opts.nginxLines);
  count('sshdLines', opts.sshdLines);
  const hours = opts.durationHours ?? 24;
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 366) {
    throw new HerdError('HERD_BENCH_OPTIONS', `durationHours must be > 0 and at most a year, got ${String(hours)}`);
  }
  if (opts.start !== undefined && Number.isNaN(opts.start.getTime())) {
    throw new HerdError('HERD_BENCH_OPTIONS', 'start is not a valid date; pass an ISO 8601 time such as 2025-01-08T00:00:00Z');
  }
}

function iterable(plan: LogPlan, startMs: number, formatTime: (ms: number) => string, contextSeed: number, firstPid: number, firstSession: number): Iterable<string> {
  return {
    [Symbol.iterator]: () =>
      mergeLines({
        actors: plan.actors,
        log: plan.log,
        startMs,
        formatTime,
        context: () => new RenderContext(contextSeed, firstPid, firstSession),
      }),
  };
}

export function generateCorpus(opts: CorpusOptions): Corpus {
  checkOptions(opts);
  const start = opts.start ?? defaultCorpusStart();
  const hours = opts.durationHours ?? 24;
  const time = new Timeline(start.getTime(), hours * 3_600_000);
  const rng = new Rng(opts.seed);
  const pool = new IpPool(new Rng(rng.u32()));

  const admins: Admin[] = [];
  const adminCount = Math.max(3, Math.min(ADMIN_NAMES.length, Math.round(opts.sshdLines / 40_000)));
  for (let i = 0; i < adminCount; i++) {
    admins.push({
      name: ADMIN_NAMES[i],
      uid: 1010 + i,
      home: rng.chance(0.25) ? pool.v6('residential') : pool.v4('residential'),
      tz: rng.pick([-5, 0, 1, 1, 2, 5.5]),
      // Some admins still type passwords (and sometimes mistype them).
      password: i === 1 || rng.chance(0.3),
    });
  }

  const nginx = planNginx(new Rng(rng.u32()), pool, time, opts.nginxLines, admins.map((a) => a.home));
  const webAttackers = nginx.plan.actors.filter((a) => a.role === 'attacker').map((a) => a.ip);
  const host = { host: 'web-01', logindPid: 500 + rng.int(400), sshdPid: 700 + rng.int(500) };
  const sshd = planSshd(new Rng(rng.u32()), pool, time, opts.sshdLines, host, admins, nginx.natGateways, webAttackers);

  const truth = buildTruth(
    { seed: opts.seed, nginxLines: opts.nginxLines, sshdLines: opts.sshdLines, startMs: time.startMs, endMs: time.startMs + time.window },
    nginx.plan.actors,
    sshd.actors,
  );
  const sshdContext = rng.u32();
  return {
    nginx: iterable(nginx.plan, time.startMs, formatNginxTime, rng.u32(), 0, 0),
    sshd: iterable(sshd, time.startMs, formatSyslogTime, sshdContext, 200_000 + rng.int(1_800_000), 1_000 + rng.int(20_000)),
    truth,
  };
}
