import type { Clock } from '../../core/index.js';
import { compileGoLayout, GO_LAYOUTS, GoTime, type GoLayout } from '../../expr/index.js';
import { TIMEMACHINE, type Event } from '../event.js';
import type { Enricher } from './enricher.js';

/**
 * `method: ParseDate` (CrowdSec's dateparse enricher): turns `evt.StrTime` into `Enriched.MarshaledTime`
 * (RFC 3339 with the offset written in the line). Tries `evt.StrTimeFormat` first, then CrowdSec's
 * list of common layouts in its order, then Unix seconds (whole seconds, the fraction dropped, as CrowdSec does); a date without a year gets the current
 * year; when nothing parses, the current time is used, as CrowdSec does.
 */
const COMMON_LAYOUTS: readonly string[] = [
  GO_LAYOUTS.RFC3339,
  '02/Jan/2006:15:04:05 -0700',
  'Mon Jan 2 15:04:05 2006',
  '02-Jan-2006 15:04:05 europe/paris',
  '01/02/2006 15:04:05',
  '2006-01-02 15:04:05.999999999 -0700 MST',
  'Jan  2 15:04:05',
  'Mon Jan 02 15:04:05.000000 2006',
  '2006-01-02T15:04:05Z07:00',
  '2006/01/02',
  '2006/01/02 15:04',
  '2006-01-02',
  '2006-01-02 15:04',
  '2006/01/02 15:04:05',
  '2006-01-02 15:04:05',
];

/**
 * After its own list, CrowdSec tries araddon/dateparse (ParseStrict, in UTC), which knows many more
 * shapes; these are the unambiguous ones log lines use: ISO dates without a zone, with `T` or a space,
 * with or without fractions of a second. Written as RFC 3339 in UTC, as CrowdSec does.
 */
const FALLBACK_LAYOUTS: readonly string[] = [
  '2006-01-02T15:04:05.999999999',
  '2006-01-02 15:04:05.999999999',
  '2006/01/02 15:04:05.999999999',
  '2006-01-02T15:04',
  '2006-01-02T15:04:05Z0700',
  '2006-01-02 15:04:05Z07:00',
  '2006-01-02 15:04:05 -0700',
  '2006-01-02 15:04:05 MST',
  'Mon, 02 Jan 2006 15:04:05 -0700',
  'Mon, 02 Jan 2006 15:04:05 MST',
  '02 Jan 2006 15:04:05',
  'Jan 2, 2006 15:04:05',
  'Jan 2 2006 15:04:05',
  'Jan _2 15:04:05.000000',
  'Jan _2 15:04:05.000',
];

export function createDateParseEnricher(clock: Clock): Enricher {
  const layouts: GoLayout[] = COMMON_LAYOUTS.map((l) => compileGoLayout(l));
  const fallbacks: GoLayout[] = FALLBACK_LAYOUTS.map((l) => compileGoLayout(l));
  const custom = new Map<string, GoLayout>();

  const finish = (t: GoTime, evt: Event, value = ''): void => {
    const text = t.MarshalText();
    if (value !== '') {
      lastValue = value;
      lastFormat = evt.StrTimeFormat;
      lastTime = t;
      lastText = text;
    }
    evt.Enriched.MarshaledTime = text;
    evt.timeText = text;
    evt.timeValue = t;
    // In time-machine mode the event's own time becomes the date of the line (CrowdSec's ParseDate).
    if (value !== '' && evt.ExpectMode === TIMEMACHINE) evt.Time = t;
  };

  const withYear = (t: GoTime): GoTime => (t.Year() === 0 ? t.AddDate(new Date(clock.now()).getUTCFullYear(), 0, 0) : t);

  // Lines come in bursts within one second: the last date text and its result are remembered.
  let lastValue = '';
  let lastFormat = '';
  let lastTime: GoTime | null = null;
  let lastText = '';

  return (value: string, evt: Event) => {
    if (value !== '' && value === lastValue && evt.StrTimeFormat === lastFormat && lastTime !== null) {
      evt.Enriched.MarshaledTime = lastText;
      evt.timeText = lastText;
      evt.timeValue = lastTime;
      if (evt.ExpectMode === TIMEMACHINE) evt.Time = lastTime;
      return;
    }
    if (value !== '') {
      if (evt.StrTimeFormat !== '') {
        let layout = custom.get(evt.StrTimeFormat);
        if (!layout) {
          layout = compileGoLayout(evt.StrTimeFormat);
          if (custom.size < 64) custom.set(evt.StrTimeFormat, layout);
        }
        const t = layout.parse(value);
        if (t && !t.IsZero()) return finish(withYear(t), evt, value);
      }
      for (let i = 0; i < layouts.length; i++) {
        const t = layouts[i]!.parse(value);
        if (t && !t.IsZero()) return finish(withYear(t), evt, value);
      }
      const unix = parseUnixSeconds(value);
      if (unix) return finish(unix, evt, value);
      for (let i = 0; i < fallbacks.length; i++) {
        const t = fallbacks[i]!.parse(value);
        if (t && !t.IsZero()) return finish(withYear(t), evt, value);
      }
    }
    finish(GoTime.fromMillis(clock.now()), evt);
  };
}

/** CrowdSec's ParseUnix: `1700000000` or `1700000000.123` seconds since the epoch. */
function parseUnixSeconds(s: string): GoTime | null {
  let i = 0;
  const n = s.length;
  if (n === 0 || n > 20) return null;
  while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === 0) return null;
  let frac = '';
  if (i < n) {
    if (s.charCodeAt(i) !== 46) return null;
    const start = ++i;
    while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i !== n) return null;
    frac = s.slice(start);
  }
  // CrowdSec's ParseUnixTime keeps the whole seconds only (it splits on '.').
  const secs = Number(s.slice(0, frac ? s.indexOf('.') : n));
  if (!(secs > 0)) return null;
  return new GoTime(secs * 1000, 0);
}
