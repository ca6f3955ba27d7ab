import { isUtf8 } from 'node:buffer';
import { utf8Cut } from './line-splitter.js';

/**
 * One journald record (a line of `journalctl --output=json`) written as a classic syslog line,
 * `Mmm dd HH:MM:SS host ident[pid]: message`, so that herd's syslog parser reads the journal like
 * `/var/log/auth.log`.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface FormattedRecord {
  raw: string;
  /** The record's `__CURSOR`, to resume after it. */
  cursor: string | null;
  truncated: boolean;
  invalidUtf8: boolean;
}

/** `Nov  5 09:03:07`: the day space-padded, as rsyslog writes it. */
export function syslogTimestamp(ms: number, utc: boolean): string {
  const d = new Date(ms);
  const month = utc ? d.getUTCMonth() : d.getMonth();
  const day = utc ? d.getUTCDate() : d.getDate();
  const h = utc ? d.getUTCHours() : d.getHours();
  const m = utc ? d.getUTCMinutes() : d.getMinutes();
  const s = utc ? d.getUTCSeconds() : d.getSeconds();
  return `${MONTHS[month]} ${day < 10 ? ' ' : ''}${day} ${pad2(h)}:${pad2(m)}:${pad2(s)}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** A field as journalctl prints it: a string, an array of bytes (binary or long values), or an array of those (repeated fields). */
function fieldText(v: unknown, maxBytes: number, out: { truncated: boolean; invalidUtf8: boolean }): string | null {
  if (typeof v === 'string') {
    if (v.length * 3 <= maxBytes || Buffer.byteLength(v) <= maxBytes) return v;
    return bytesText(Buffer.from(v), maxBytes, out);
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return '';
    if (typeof v[0] === 'number') return bytesText(Buffer.from(v as number[]), maxBytes, out);
    return fieldText(v[0], maxBytes, out);
  }
  if (typeof v === 'number') return String(v);
  return null;
}

function bytesText(buf: Buffer, maxBytes: number, out: { truncated: boolean; invalidUtf8: boolean }): string {
  let end = buf.length;
  if (end > maxBytes) {
    end = utf8Cut(buf, 0, maxBytes);
    out.truncated = true;
  }
  const bytes = buf.subarray(0, end);
  if (!isUtf8(bytes)) out.invalidUtf8 = true;
  return bytes.toString('utf8');
}

/**
 * Formats a parsed record; null when it is not an object. Missing fields fall back the way
 * journalctl's short output does: `_COMM` for the identifier, `localhost` for the host; no
 * `[pid]` without `_PID`/`SYSLOG_PID`. Trailing newlines of the message are dropped.
 */
export function formatRecord(rec: unknown, utc: boolean, maxMessageBytes: number): FormattedRecord | null {
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return null;
  const r = rec as Record<string, unknown>;
  const flags = { truncated: false, invalidUtf8: false };
  const usec = typeof r.__REALTIME_TIMESTAMP === 'string' ? r.__REALTIME_TIMESTAMP : '';
  const ms = usec.length > 3 ? Number(usec.slice(0, -3)) : NaN;
  const when = syslogTimestamp(Number.isFinite(ms) ? ms : 0, utc);
  const host = fieldText(r._HOSTNAME, 255, flags) ?? 'localhost';
  const ident = fieldText(r.SYSLOG_IDENTIFIER, 255, flags) ?? fieldText(r._COMM, 255, flags) ?? 'unknown';
  const pid = fieldText(r.SYSLOG_PID, 32, flags) ?? fieldText(r._PID, 32, flags);
  let message = fieldText(r.MESSAGE, maxMessageBytes, flags) ?? '';
  let end = message.length;
  while (end > 0 && (message.charCodeAt(end - 1) === 10 || message.charCodeAt(end - 1) === 13)) end--;
  if (end !== message.length) message = message.slice(0, end);
  const raw = `${when} ${host} ${ident}${pid !== null ? `[${pid}]` : ''}: ${message}`;
  const cursor = typeof r.__CURSOR === 'string' ? r.__CURSOR : null;
  return { raw, cursor, truncated: flags.truncated, invalidUtf8: flags.invalidUtf8 };
}
