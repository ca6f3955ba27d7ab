/**
 * Text shared by the human-readable reports: target data made visible (control characters, lone
 * surrogates and bidi overrides shown as `\uXXXX`, so a response cannot hide or reorder what the
 * reader sees), excerpts of long bodies, and an exchange written out as request and response.
 * Each report then escapes this text for its own syntax (XML, HTML, Markdown).
 */
import type { Exchange } from '../model.js';

/**
 * Characters shown as `\uXXXX`: C0 and C1 controls (except tab and line feed), line/paragraph
 * separators, bidi and zero-width marks, BOM, the XML 1.0 non-characters U+FFFE/U+FFFF, and
 * surrogates that are not part of a pair. Carriage returns are handled before this runs.
 */
const INVISIBLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060\u2066-\u2069\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function hex4(ch: string): string {
  return '\\u' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Text as it should be shown: CRLF and CR become LF, invisible or dangerous characters become
 * `\uXXXX`. Tabs, line feeds, emoji and every other printable character are kept.
 */
export function visible(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(INVISIBLE, hex4);
}

/** Like `visible`, on one line: line breaks are shown as `\n` and tabs as `\t`. */
export function oneLine(text: string): string {
  return visible(text).replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

/**
 * The first `max` UTF-16 units of `text` (never half of a surrogate pair), with a note of how much
 * was left out.
 */
export function excerpt(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}… [${text.length - end} more characters]`;
}

export interface ExchangeTextOptions {
  /** Characters of each body shown (default 600). */
  readonly maxBody?: number;
  /** Headers shown for the request and for the response (default 8). */
  readonly maxHeaders?: number;
}

function headerLines(headers: Readonly<Record<string, string>>, max: number): string[] {
  // Content-type first: it says how to read the body below.
  const names = Object.keys(headers).sort((a, b) => {
    const ca = a.toLowerCase() === 'content-type' ? 0 : 1;
    const cb = b.toLowerCase() === 'content-type' ? 0 : 1;
    return ca - cb || (a < b ? -1 : a > b ? 1 : 0);
  });
  const lines = names.slice(0, max).map((n) => `${oneLine(n)}: ${oneLine(excerpt(headers[n] ?? '', 200))}`);
  if (names.length > max) lines.push(`… ${names.length - max} more headers`);
  return lines;
}

/** The request line of an exchange: `GET https://api.example/users/1`, made visible, one line. */
export function requestLine(exchange: Exchange): string {
  return oneLine(`${exchange.request.method} ${exchange.request.url}`);
}

/** The response's status in words: `HTTP 200 (12 ms)`, or `no response: <why>`. */
export function responseLine(exchange: Exchange): string {
  const r = exchange.response;
  if (r === null) return oneLine(`no response: ${exchange.error ?? 'the request failed'}`);
  return `HTTP ${r.status} (${Math.round(r.timeMs)} ms)`;
}

/**
 * One exchange as text, the way it would look on the wire (abridged): request line, a few headers,
 * a body excerpt; then the response status, a few headers and a body excerpt. Made visible.
 */
export function exchangeText(exchange: Exchange, opts: ExchangeTextOptions = {}): string {
  const maxBody = opts.maxBody ?? 600;
  const maxHeaders = opts.maxHeaders ?? 8;
  const out: string[] = [requestLine(exchange), ...headerLines(exchange.request.headers, maxHeaders)];
  if (exchange.request.body !== undefined && exchange.request.body !== '') {
    out.push('', visible(excerpt(exchange.request.body, maxBody)));
  }
  out.push('', responseLine(exchange));
  const r = exchange.response;
  if (r !== null) {
    out.push(...headerLines(r.headers, maxHeaders));
    if (r.body !== '') out.push('', visible(excerpt(r.body, maxBody)));
    if (r.truncated) out.push('[the scanner stopped reading the body at its size limit]');
  }
  return out.join('\n');
}
