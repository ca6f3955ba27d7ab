import { isUtf8 } from 'node:buffer';
import { utf8Cut } from './line-splitter.js';
import { syslogTimestamp } from './journald-record.js';

/**
 * One received syslog message (RFC 3164 or RFC 5424) rewritten in the classic form
 * `TIMESTAMP host tag[pid]: message`, so that herd's syslog parser reads it like a line of
 * `/var/log/auth.log`. RFC 5424 keeps its RFC 3339 timestamp; structured data is dropped.
 * Anything that does not parse is passed through as its text, and said to be malformed.
 */
export interface SyslogLine {
  raw: string;
  malformed: boolean;
  invalidUtf8: boolean;
}

// Compiled once; each is anchored and linear, so hostile input cannot make them slow.
const BSD_TIME = /^[A-Z][a-z]{2} [ 0-9]?[0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?= )/;
const ISO_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:?[0-9]{2})?(?= )/;
const TAG = /^([^\s[\]:]{1,128})(?:\[([^\]\s]{0,32})\])?:(?: |$)/;

/**
 * Turns the bytes of one message (already cut to the size limit by the caller, trailing newline
 * removed) into a line. `peer` is the sender's address, used when the message names no host;
 * `now` and `utc` stamp messages that carry no timestamp.
 */
export function toSyslogLine(bytes: Buffer, peer: string, now: number, utc: boolean): SyslogLine {
  const invalidUtf8 = !isUtf8(bytes);
  const text = bytes.toString('utf8');
  const pri = priLength(text);
  if (pri === 0) return { raw: text, malformed: true, invalidUtf8 };
  const body = text.slice(pri);
  const line = body.startsWith('1 ') ? rfc5424(body.slice(2), peer, now) : rfc3164(body, peer, now, utc);
  return line === null ? { raw: text, malformed: true, invalidUtf8 } : { raw: line, malformed: false, invalidUtf8 };
}

/** Length of a leading `<PRI>` (0–191), or 0 when there is none. */
function priLength(s: string): number {
  if (s.charCodeAt(0) !== 60 /* < */) return 0;
  let v = 0;
  let i = 1;
  for (; i < 5 && i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 62 /* > */) break;
    if (c < 48 || c > 57) return 0;
    v = v * 10 + (c - 48);
  }
  if (i === 1 || i >= s.length || s.charCodeAt(i) !== 62 || v > 191) return 0;
  return i + 1;
}

function rfc3164(body: string, peer: string, now: number, utc: boolean): string | null {
  let ts: string;
  let rest: string;
  const m = BSD_TIME.exec(body) ?? ISO_TIME.exec(body);
  if (m !== null) {
    ts = m[0];
    rest = body.slice(ts.length + 1);
  } else {
    ts = syslogTimestamp(now, utc);
    rest = body;
  }
  // A first word that is a tag (`sshd[12]:`, `cron:`) means the sender left out its host name.
  let host = peer;
  const sp = rest.indexOf(' ');
  const first = sp < 0 ? rest : rest.slice(0, sp);
  if (!TAG.test(first + ' ') && sp > 0) {
    host = first;
    rest = rest.slice(sp + 1);
  }
  const t = TAG.exec(rest);
  if (t === null) return `${ts} ${host} ${rest}`;
  const msg = rest.slice(t[0].length);
  return `${ts} ${host} ${t[1]}${t[2] !== undefined && t[2] !== '' ? `[${t[2]}]` : ''}: ${msg}`;
}

function rfc5424(body: string, peer: string, now: number): string | null {
  // TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [SP MSG]
  const fields: string[] = [];
  let i = 0;
  for (let f = 0; f < 5; f++) {
    const sp = body.indexOf(' ', i);
    if (sp <= i) return null;
    fields.push(body.slice(i, sp));
    i = sp + 1;
  }
  const sdEnd = structuredDataEnd(body, i);
  if (sdEnd < 0) return null;
  let msg = sdEnd >= body.length ? '' : body.charCodeAt(sdEnd) === 32 ? body.slice(sdEnd + 1) : null;
  if (msg === null) return null;
  if (msg.charCodeAt(0) === 0xfeff) msg = msg.slice(1);
  const [time, host, app, procid] = fields;
  const ts = time === '-' ? new Date(now).toISOString() : time;
  return `${ts} ${host === '-' ? peer : host} ${app}${procid !== '-' ? `[${procid}]` : ''}: ${msg}`;
}

/** End of the STRUCTURED-DATA starting at `i` (`-` or `[id k="v"]…`), or -1 when it is malformed. */
function structuredDataEnd(s: string, i: number): number {
  if (s.charCodeAt(i) === 45 /* - */) return i + 1;
  if (s.charCodeAt(i) !== 91 /* [ */) return -1;
  while (s.charCodeAt(i) === 91) {
    i++;
    let quoted = false;
    for (;;) {
      if (i >= s.length) return -1;
      const c = s.charCodeAt(i);
      if (quoted && c === 92 /* \ */) i += 2;
      else {
        if (c === 34 /* " */) quoted = !quoted;
        else if (c === 93 /* ] */ && !quoted) break;
        i++;
      }
    }
    i++;
  }
  return i;
}

/** Cuts a message to `max` bytes on a UTF-8 boundary; true when it was longer. */
export function cutMessage(bytes: Buffer, max: number): { bytes: Buffer; truncated: boolean } {
  if (bytes.length <= max) return { bytes, truncated: false };
  return { bytes: bytes.subarray(0, utf8Cut(bytes, 0, max)), truncated: true };
}

/** Drops an incomplete UTF-8 sequence at the end of a message that was cut at the size limit. */
export function dropPartialUtf8(bytes: Buffer): Buffer {
  const n = bytes.length;
  for (let back = 1; back <= 4 && back <= n; back++) {
    const c = bytes[n - back];
    if ((c & 0xc0) === 0x80) continue;
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > back ? bytes.subarray(0, n - back) : bytes;
  }
  return bytes;
}

/** Drops trailing `\n`, `\r` and NUL, which senders add as terminators. */
export function trimTerminators(bytes: Buffer): Buffer {
  let end = bytes.length;
  while (end > 0) {
    const c = bytes[end - 1];
    if (c !== 10 && c !== 13 && c !== 0) break;
    end--;
  }
  return end === bytes.length ? bytes : bytes.subarray(0, end);
}
