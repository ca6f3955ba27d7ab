/**
 * expr-lang's time builtins: now() from the injected clock, duration(), date() with Go layouts,
 * timezone(). Zones come from the platform's IANA database through Intl; a zone's abbreviation is
 * the one Intl gives (Go's may differ, e.g. "GMT+2" instead of "CEST").
 */
import { always, type BuiltinSpec, type CallSite } from './builtin-spec.js';
import { fault } from './errors.js';
import { GoDuration } from './go-duration.js';
import { compileGoLayout, GO_LAYOUTS, GoTime, type GoLayout } from './go-time.js';
import { asString } from './value-ops.js';
import { goTypeOf } from './values.js';

/** Go's *time.Location: a named zone whose offset depends on the instant. */
export class GoLocation {
  static readonly goTypeName = '*time.Location';
  readonly name: string;
  private readonly offsetFormat: Intl.DateTimeFormat | null;
  private readonly nameFormat: Intl.DateTimeFormat | null;

  private constructor(name: string) {
    this.name = name;
    if (name === 'UTC') {
      this.offsetFormat = null;
      this.nameFormat = null;
    } else {
      this.offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' });
      this.nameFormat = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'short' });
    }
  }

  /** `time.LoadLocation(name)`; "" and "UTC" give UTC, "Local" is taken as UTC (herd's local zone). */
  static load(name: string): GoLocation {
    if (name === '' || name === 'UTC' || name === 'Local') return new GoLocation(name === 'Local' ? 'Local' : 'UTC');
    try {
      return new GoLocation(name);
    } catch {
      throw fault(`unknown time zone ${name}`);
    }
  }

  String(): string {
    return this.name;
  }

  /** Offset east of UTC (seconds) and abbreviation in effect at an instant. */
  zoneAt(epochMs: number): { offsetSec: number; abbr: string } {
    if (this.offsetFormat === null || this.nameFormat === null) return { offsetSec: 0, abbr: 'UTC' };
    const date = new Date(epochMs);
    const off = this.offsetFormat.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /^GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(off);
    const offsetSec = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)) : 0;
    const abbr = this.nameFormat.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? '';
    return { offsetSec, abbr };
  }

  /** The instant whose wall clock in this zone reads like `wall` (a time parsed as UTC). */
  atWallClock(wall: GoTime): GoTime {
    let guess = wall.epochMs;
    let zone = this.zoneAt(guess);
    for (let i = 0; i < 2; i++) {
      guess = wall.epochMs - zone.offsetSec * 1000;
      zone = this.zoneAt(guess);
    }
    return new GoTime(wall.epochMs - zone.offsetSec * 1000, wall.extraNs, zone.offsetSec, zone.abbr);
  }

  /** The same instant seen in this zone. */
  in(t: GoTime): GoTime {
    const zone = this.zoneAt(t.epochMs);
    return new GoTime(t.epochMs, t.extraNs, zone.offsetSec, zone.abbr);
  }
}

const DEFAULT_LAYOUTS = [
  '2006-01-02',
  '15:04:05',
  '2006-01-02 15:04:05',
  GO_LAYOUTS.RFC3339,
  GO_LAYOUTS.RFC822,
  GO_LAYOUTS.RFC850,
  GO_LAYOUTS.RFC1123,
].map((l) => compileGoLayout(l));

const ZONE_ELEMENT = /MST|Z07|-07/;

function layoutFor(site: CallSite, layout: string): GoLayout {
  const cache = site.cache;
  let compiled = cache.get(layout) as GoLayout | undefined;
  if (compiled === undefined) {
    compiled = compileGoLayout(layout);
    if (cache.size < 64) cache.set(layout, compiled);
  }
  return compiled;
}

function parseIn(layout: GoLayout, value: string, loc: GoLocation | null): GoTime | null {
  const t = layout.parse(value);
  if (t === null || loc === null || ZONE_ELEMENT.test(layout.layout)) return t;
  return loc.atWallClock(t);
}

function quote(s: string): string {
  return JSON.stringify(s);
}

export const TIME_BUILTINS: Readonly<Record<string, BuiltinSpec>> = {
  now: {
    min: 0,
    max: 1,
    arity: 'validate',
    pure: false,
    kind: always('time'),
    call: (args, site) => {
      const t = GoTime.fromMillis(site.clock.now());
      if (args.length === 0) return t;
      const loc = args[0];
      if (!(loc instanceof GoLocation)) throw fault(`invalid number of arguments (expected 0, got ${args.length})`);
      return loc.in(t);
    },
  },
  duration: {
    min: 1,
    max: 1,
    arity: 'types',
    pure: true,
    kind: always('duration'),
    call: (args) => {
      const s = asString(args[0]);
      const d = GoDuration.parse(s);
      if (d === null) throw fault(`time: invalid duration ${quote(s)}`);
      return d;
    },
  },
  date: {
    min: 1,
    max: 4,
    arity: 'validate',
    pure: true,
    kind: always('time'),
    call: (all, site) => {
      let args = all;
      let loc: GoLocation | null = null;
      if (args[0] instanceof GoLocation) {
        loc = args[0];
        args = args.slice(1);
      }
      if (args.length < 1 || args.length > 3) {
        throw fault(`invalid number of arguments (expected at most 3, got ${args.length})`);
      }
      const value = asString(args[0]);
      if (args.length >= 2) {
        const layoutText = asString(args[1]);
        if (args.length === 3) loc = GoLocation.load(asString(args[2]));
        const t = parseIn(layoutFor(site, layoutText), value, loc);
        if (t === null) throw fault(`parsing time ${quote(value)} as ${quote(layoutText)}: cannot parse`);
        return t;
      }
      for (const layout of DEFAULT_LAYOUTS) {
        const t = parseIn(layout, value, loc);
        if (t !== null) return t;
      }
      throw fault(`invalid date ${value}`);
    },
  },
  timezone: {
    min: 1,
    max: 1,
    arity: 'types',
    pure: true,
    kind: always('any'),
    call: (args) => {
      const name = args[0];
      if (typeof name !== 'string') throw fault(`cannot use ${goTypeOf(name)} as argument (type string) to call timezone`);
      return GoLocation.load(name);
    },
  },
};
