import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/index.js';
import { createDateParseEnricher, LIVE, newLogEvent, TIMEMACHINE, type Event } from '../index.js';

/**
 * `method: ParseDate` (CrowdSec's dateparse enricher, enrich_date.go): `evt.StrTimeFormat` first,
 * then CrowdSec's list of common layouts in its order, then Unix seconds; a date without a year gets
 * the current year (from the clock passed in); nothing parsable gives the current time. The result
 * is `Enriched.MarshaledTime`, written as Go's time.MarshalText writes it (RFC 3339, fractional
 * seconds without trailing zeros, the offset of the line, `Z` for UTC).
 */

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0); // 2025-06-01T12:00:00Z

function parseDate(value: string, opts: { format?: string; now?: number } = {}): Event {
  const clock = new ManualClock(opts.now ?? NOW);
  const evt = newLogEvent({ raw: '', src: 't', module: 'file', labels: {}, readAt: NOW }, TIMEMACHINE);
  evt.StrTimeFormat = opts.format ?? '';
  createDateParseEnricher(clock)(value, evt);
  return evt;
}

const marshaled = (value: string, opts?: { format?: string; now?: number }) => parseDate(value, opts).Enriched.MarshaledTime;

describe('ParseDate', () => {
  it('reads the access-log date of nginx and Apache (HTTPDATE), keeping its offset', () => {
    expect(marshaled('10/Oct/2025:13:55:36 +0200')).toBe('2025-10-10T13:55:36+02:00');
    expect(marshaled('02/Jan/2006:15:04:05 -0700')).toBe('2006-01-02T15:04:05-07:00');
    expect(marshaled('10/Oct/2025:13:55:36 +0000')).toBe('2025-10-10T13:55:36Z');
  });

  it('gives a syslog date without a year the current year of the clock, in UTC', () => {
    expect(marshaled('Oct 10 13:55:36')).toBe('2025-10-10T13:55:36Z');
    expect(marshaled('Jan  2 15:04:05')).toBe('2025-01-02T15:04:05Z');
    expect(marshaled('Oct  2 03:04:05', { now: Date.UTC(2031, 0, 15) })).toBe('2031-10-02T03:04:05Z');
    // a single space before a one-digit day reads the same (Go's parser folds runs of spaces)
    expect(marshaled('Oct 2 03:04:05')).toBe('2025-10-02T03:04:05Z');
  });

  it('adds the year to a 29 February like Go’s AddDate does (it rolls over to 1 March in a common year)', () => {
    expect(marshaled('Feb 29 12:00:00')).toBe('2025-03-01T12:00:00Z');
    expect(marshaled('Feb 29 12:00:00', { now: Date.UTC(2028, 5, 1) })).toBe('2028-02-29T12:00:00Z');
  });

  it('reads RFC 3339, with fractional seconds and offsets as written', () => {
    expect(marshaled('2019-10-12T07:20:50.52Z')).toBe('2019-10-12T07:20:50.52Z');
    expect(marshaled('2025-10-10T13:55:36.123456+02:00')).toBe('2025-10-10T13:55:36.123456+02:00');
    expect(marshaled('2025-10-10T13:55:36Z')).toBe('2025-10-10T13:55:36Z');
    expect(marshaled('2025-10-10T13:55:36.000Z')).toBe('2025-10-10T13:55:36Z');
  });

  it('reads ISO dates written with a space, and dates alone', () => {
    expect(marshaled('2025-10-10 13:55:36')).toBe('2025-10-10T13:55:36Z');
    expect(marshaled('2025-10-10 13:55')).toBe('2025-10-10T13:55:00Z');
    expect(marshaled('2025/10/08 12:00:01')).toBe('2025-10-08T12:00:01Z');
    expect(marshaled('2025-10-08')).toBe('2025-10-08T00:00:00Z');
  });

  it('reads the ctime dates of Apache error logs, with or without microseconds', () => {
    expect(marshaled('Fri Oct 10 13:55:36 2025')).toBe('2025-10-10T13:55:36Z');
    expect(marshaled('Fri Oct 10 13:55:36.123456 2025')).toBe('2025-10-10T13:55:36.123456Z');
  });

  it('reads ISO dates without a zone as UTC, with T or a space and fractions of a second (the dateparse fallback)', () => {
    expect(marshaled('2025-07-16T19:42:45')).toBe('2025-07-16T19:42:45Z');
    expect(marshaled('2025-07-16T19:42:45.123')).toBe('2025-07-16T19:42:45.123Z');
    expect(marshaled('2025-07-16 19:42:45,5'.replace(',', '.'))).toBe('2025-07-16T19:42:45.5Z');
    expect(marshaled('Mon, 02 Jan 2006 15:04:05 -0700')).toBe('2006-01-02T15:04:05-07:00');
  });

  it('reads Unix seconds, dropping a fraction as CrowdSec does (laurel audit logs: 1688052525.815)', () => {
    expect(marshaled('1700000000')).toBe('2023-11-14T22:13:20Z');
    expect(marshaled('1700000000.5')).toBe('2023-11-14T22:13:20Z');
    expect(marshaled('1688052525.815')).toBe('2023-06-29T15:28:45Z');
  });

  it("sets the event's time to the date of the line in time-machine mode only", () => {
    const evt = parseDate('10/Oct/2025:13:55:36 +0200');
    expect(evt.Time.MarshalText()).toBe('2025-10-10T13:55:36+02:00');
    const clock = new ManualClock(NOW);
    const live = newLogEvent({ raw: '', src: 't', module: 'file', labels: {}, readAt: NOW }, LIVE);
    createDateParseEnricher(clock)('10/Oct/2025:13:55:36 +0200', live);
    expect(live.Time.toMillis()).toBe(NOW);
  });

  it('tries the layout in StrTimeFormat first', () => {
    expect(marshaled('2011 X 17 zz 08X17X43 oneone Dec', { format: '2006 X 2 zz 15X04X05 oneone Jan' })).toBe('2011-12-17T08:17:43Z');
    // 01/02 is month/day in CrowdSec's own list; a parser that knows better says so
    expect(marshaled('01/02/2025 10:00:00')).toBe('2025-01-02T10:00:00Z');
    expect(marshaled('01/02/2025 10:00:00', { format: '02/01/2006 15:04:05' })).toBe('2025-02-01T10:00:00Z');
  });

  it('falls back to the common layouts when StrTimeFormat does not fit', () => {
    expect(marshaled('10/Oct/2025:13:55:36 +0200', { format: '2006-01-02' })).toBe('2025-10-10T13:55:36+02:00');
  });

  it('uses the current time of the clock when nothing parses, or the value is empty', () => {
    expect(marshaled('not a date')).toBe('2025-06-01T12:00:00Z');
    expect(marshaled('')).toBe('2025-06-01T12:00:00Z');
    expect(marshaled('2025-13-45T99:00:00Z')).toBe('2025-06-01T12:00:00Z');
  });

  it('keeps the parsed time beside its text, so that buckets need not parse it again', () => {
    const evt = parseDate('10/Oct/2025:13:55:36 +0200');
    expect(evt.timeText).toBe(evt.Enriched.MarshaledTime);
    expect(evt.timeValue?.toMillis()).toBe(Date.UTC(2025, 9, 10, 11, 55, 36));
    const now = parseDate('garbage');
    expect(now.timeValue?.toMillis()).toBe(NOW);
  });

  it('writes only Enriched.MarshaledTime: the event’s own fields are left to the parser’s statics', () => {
    const evt = parseDate('Oct 10 13:55:36');
    expect(Object.keys(evt.Enriched)).toEqual(['MarshaledTime']);
    expect(evt.MarshaledTime).toBe('');
  });
});
