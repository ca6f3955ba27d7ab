import { describe, expect, it } from 'vitest';
import { CachedTime, formatNginxTime, formatSyslogTime } from './time-format.js';

describe('timestamps', () => {
  it("formats nginx's $time_local in UTC", () => {
    expect(formatNginxTime(Date.UTC(2023, 9, 10, 13, 55, 36))).toBe('10/Oct/2023:13:55:36 +0000');
    expect(formatNginxTime(Date.UTC(2025, 0, 1, 0, 0, 0, 999))).toBe('01/Jan/2025:00:00:00 +0000');
  });

  it('pads the syslog day with a space, like rsyslog’s traditional format', () => {
    expect(formatSyslogTime(Date.UTC(2025, 10, 5, 7, 3, 9))).toBe('Nov  5 07:03:09');
    expect(formatSyslogTime(Date.UTC(2025, 10, 15, 17, 3, 9))).toBe('Nov 15 17:03:09');
  });

  it('reuses the text within a second and changes it on the next', () => {
    const clock = new CachedTime(formatSyslogTime);
    const t = Date.UTC(2025, 0, 8, 10, 0, 0);
    expect(clock.at(t + 10)).toBe('Jan  8 10:00:00');
    expect(clock.at(t + 990)).toBe('Jan  8 10:00:00');
    expect(clock.at(t + 1000)).toBe('Jan  8 10:00:01');
  });
});
