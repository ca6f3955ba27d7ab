import { describe, expect, it } from 'vitest';
import { formatRecord, syslogTimestamp } from './journald-record.js';

// 2023-11-14T22:13:20Z
const T = '1700000000123456';

describe('formatRecord', () => {
  it('writes a record as a classic syslog line with the day space-padded', () => {
    const f = formatRecord(
      { __REALTIME_TIMESTAMP: '1699142587000000', _HOSTNAME: 'web1', SYSLOG_IDENTIFIER: 'sshd', _PID: '812', MESSAGE: 'Failed password for root from 1.2.3.4 port 22 ssh2', __CURSOR: 's=1' },
      true,
      65536,
    );
    expect(f).toEqual({ raw: 'Nov  5 00:03:07 web1 sshd[812]: Failed password for root from 1.2.3.4 port 22 ssh2', cursor: 's=1', truncated: false, invalidUtf8: false });
  });

  it('reads a MESSAGE given as bytes, replacing invalid UTF-8 and saying so', () => {
    const f = formatRecord({ __REALTIME_TIMESTAMP: T, _HOSTNAME: 'h', SYSLOG_IDENTIFIER: 'app', MESSAGE: [98, 97, 100, 32, 255, 10] }, true, 65536);
    expect(f?.raw).toBe('Nov 14 22:13:20 h app: bad \uFFFD');
    expect(f?.invalidUtf8).toBe(true);
  });

  it('falls back to _COMM and localhost, prefers SYSLOG_PID, and takes the first of repeated fields', () => {
    const f = formatRecord({ __REALTIME_TIMESTAMP: T, _COMM: 'cron', SYSLOG_PID: '7', _PID: '9', MESSAGE: ['first', 'second'] }, true, 65536);
    expect(f?.raw).toBe('Nov 14 22:13:20 localhost cron[7]: first');
  });

  it('cuts a long message at the limit on a character boundary', () => {
    const f = formatRecord({ __REALTIME_TIMESTAMP: T, _HOSTNAME: 'h', SYSLOG_IDENTIFIER: 'a', MESSAGE: 'é'.repeat(10) }, true, 5);
    expect(f?.raw).toBe('Nov 14 22:13:20 h a: éé');
    expect(f?.truncated).toBe(true);
  });

  it('refuses what is not an object', () => {
    expect(formatRecord([1, 2], true, 10)).toBeNull();
    expect(formatRecord('x', true, 10)).toBeNull();
  });

  it('writes local time by default, as journalctl and rsyslog do', () => {
    const ms = 1700000000123;
    const d = new Date(ms);
    expect(syslogTimestamp(ms, false)).toMatch(new RegExp(`^[A-Z][a-z]{2} [ \\d]\\d ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:20$`));
  });
});
