import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dropPartialUtf8, toSyslogLine, trimTerminators } from './syslog-message.js';

const NOW = Date.UTC(2024, 2, 5, 6, 7, 8);
const line = (s: string | Buffer) => toSyslogLine(typeof s === 'string' ? Buffer.from(s) : s, '10.1.2.3', NOW, true);

describe('toSyslogLine', () => {
  it('keeps an RFC 3164 message in the classic form', () => {
    expect(line('<34>Oct 11 22:14:15 mymachine su[230]: \'su root\' failed for lonvick on /dev/pts/8')).toEqual({
      raw: "Oct 11 22:14:15 mymachine su[230]: 'su root' failed for lonvick on /dev/pts/8",
      malformed: false,
      invalidUtf8: false,
    });
    expect(line('<13>Feb  5 17:32:18 web1 sshd[812]: Invalid user admin from 1.2.3.4').raw).toBe('Feb  5 17:32:18 web1 sshd[812]: Invalid user admin from 1.2.3.4');
  });

  it('fills in the peer address when the sender left out its host name', () => {
    expect(line('<13>Feb  5 17:32:18 sshd[812]: Invalid user admin').raw).toBe('Feb  5 17:32:18 10.1.2.3 sshd[812]: Invalid user admin');
    expect(line('<13>Feb  5 17:32:18 cron: job done').raw).toBe('Feb  5 17:32:18 10.1.2.3 cron: job done');
  });

  it('keeps an ISO timestamp in an RFC 3164 message and stamps one that has none', () => {
    expect(line('<13>2024-03-05T06:07:08.123+01:00 host1 app[1]: hello').raw).toBe('2024-03-05T06:07:08.123+01:00 host1 app[1]: hello');
    expect(line('<13>app: no time at all').raw).toBe('Mar  5 06:07:08 10.1.2.3 app: no time at all');
  });

  it('rewrites RFC 5424 with its RFC 3339 timestamp, dropping structured data and the BOM', () => {
    const msg = Buffer.concat([
      Buffer.from('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 42 ID47 [exampleSDID@32473 iut="3" eventSource="App\\] x" eventID="1011"][b@1 a="]"] '),
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('An application event log entry'),
    ]);
    expect(line(msg).raw).toBe('2003-10-11T22:14:15.003Z mymachine.example.com evntslog[42]: An application event log entry');
  });

  it('reads RFC 5424 nil values: no procid, no host (the peer), no timestamp (now), no message', () => {
    expect(line('<34>1 2003-10-11T22:14:15.003Z mymachine su - ID47 - BOM\'su root\' failed').raw).toBe("2003-10-11T22:14:15.003Z mymachine su: BOM'su root' failed");
    expect(line('<34>1 - - sshd 9 - -').raw).toBe('2024-03-05T06:07:08.000Z 10.1.2.3 sshd[9]: ');
  });

  it('passes malformed messages through as their text and says so', () => {
    expect(line('no priority here')).toEqual({ raw: 'no priority here', malformed: true, invalidUtf8: false });
    expect(line('<999>Oct 11 22:14:15 h a: x').malformed).toBe(true);
    expect(line('<34>1 2003-10-11T22:14:15Z host app - - [unclosed').malformed).toBe(true);
    expect(line('<34>1 short').malformed).toBe(true);
  });

  it('replaces invalid UTF-8 and says so', () => {
    const l = line(Buffer.from([...Buffer.from('<13>Oct 11 22:14:15 h a: '), 0xff]));
    expect(l).toEqual({ raw: 'Oct 11 22:14:15 h a: \uFFFD', malformed: false, invalidUtf8: true });
  });

  it('never throws and always yields text, whatever the bytes', () => {
    const pieces = fc.constantFrom('<13>', '<165>1 ', 'Oct 11 22:14:15 ', '2024-01-01T00:00:00Z ', '- ', '[a b="c\\"]"] ', 'host ', 'app[1]: ', '\uFEFF', ' ', '[', ']', '"', '\\');
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 12 }), fc.uint8Array({ maxLength: 8 }), (parts, tail) => {
        const bytes = Buffer.concat([Buffer.from(parts.join('')), Buffer.from(tail)]);
        const l = line(bytes);
        expect(typeof l.raw).toBe('string');
      }),
      { seed: 3, numRuns: 3000 },
    );
  });
});

describe('message helpers', () => {
  it('drops terminators and an incomplete character left by a cut', () => {
    expect(trimTerminators(Buffer.from('abc\r\n\0')).toString()).toBe('abc');
    expect(dropPartialUtf8(Buffer.from([0x61, 0xe2, 0x82])).toString()).toBe('a');
    expect(dropPartialUtf8(Buffer.from('a€')).toString()).toBe('a€');
  });
});
