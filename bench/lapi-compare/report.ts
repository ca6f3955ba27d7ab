import type { WrkResult } from './wrk.js';

/** The BENCHMARKS.md section of the comparison, and its place in the file. */

export const SECTION_TITLE = '## Local API vs CrowdSec 1.4.6';
export const MARKER = '<!-- more benchmarks below are written by their own commands -->';

export interface StreamSample {
  ms: number;
  bytes: number;
  /** Content-Encoding of the answer ('' when none). */
  encoding: string;
}

export interface ServerResults {
  live: WrkResult[];
  stream: StreamSample[];
  /** The same request with `Accept-Encoding: gzip`. */
  streamGzip: StreamSample[];
  importMs: number;
  /** `?ip=` answered one at a time on an idle server (fresh connection each), ms. */
  singleMs: number[];
  /** Resident memory after the load, MiB. */
  rssMiB: number;
}

export interface CompareReport {
  date: string;
  machine: string;
  /** 1-minute load average when the benchmark started (other work on the machine). */
  loadAverage: number;
  command: string;
  wrkCommand: string;
  crowdsecVersion: string;
  decisions: number;
  mix: string;
  queries: number;
  crowdsec: ServerResults;
  herd: ServerResults;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A number for a table: thousands separated, `digits` decimals below 100. */
export function num(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return '—';
  return Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(digits);
}

function ratio(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return x >= 10 ? `${num(x, 0)}×` : `${x.toFixed(2)}×`;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(2)} MiB`;
}

function compression(cs: ServerResults, h: ServerResults): string {
  const c = (s: ServerResults) => s.streamGzip.some((x) => x.encoding !== '');
  if (!c(cs) && !c(h)) return 'Neither server compresses when asked.';
  return `Asked for gzip, CrowdSec ${c(cs) ? 'compresses' : 'does not compress'} and herd ${c(h) ? 'compresses' : 'does not compress'}.`;
}

/** The section, from its title to its last line (ends with a newline). */
export function renderSection(r: CompareReport): string {
  const cs = r.crowdsec;
  const h = r.herd;
  const rps = (s: ServerResults) => median(s.live.map((w) => w.requestsPerSec));
  const p99 = (s: ServerResults) => median(s.live.map((w) => w.latencyMs.p99));
  const p50 = (s: ServerResults) => median(s.live.map((w) => w.latencyMs.p50));
  const streamMs = (s: ServerResults) => median(s.stream.map((x) => x.ms));
  const streamBytes = (s: ServerResults) => median(s.stream.map((x) => x.bytes));
  const gzMs = (s: ServerResults) => median(s.streamGzip.map((x) => x.ms));
  const gzBytes = (s: ServerResults) => median(s.streamGzip.map((x) => x.bytes));
  const enc = (s: ServerResults) => [...new Set(s.streamGzip.map((x) => x.encoding || 'none'))].join(', ');
  const runs = (s: ServerResults, f: (w: WrkResult) => number) => s.live.map((w) => num(f(w))).join(', ');
  const streamRuns = (s: ServerResults) => s.stream.map((x) => num(x.ms, 0)).join(', ');

  const rpsRatio = rps(h) / rps(cs);
  const p99Ok = p99(h) <= p99(cs);
  const streamRatio = streamMs(cs) / streamMs(h);
  const yes = (ok: boolean) => (ok ? '**yes**' : '**no**');
  const errors = (s: ServerResults) => s.live.reduce((n, w) => n + w.non2xx + w.socketErrors.connect + w.socketErrors.read + w.socketErrors.write + w.socketErrors.timeout, 0);

  const lines = [
    SECTION_TITLE,
    '',
    `Written by \`${r.command}\` on ${r.date}.`,
    '',
    `Machine: ${r.machine}; load average ${r.loadAverage.toFixed(1)} when the run started (the machine is shared).`,
    `CrowdSec: ${r.crowdsecVersion} from Debian's \`crowdsec\` package (unpacked, not installed), local API only`,
    '(`crowdsec -c CFG -no-cs -no-capi`), SQLite in WAL mode as CrowdSec advises, error-level logs to a file.',
    'herd: `herd start --no-acquisition --listen 127.0.0.1:PORT --data-dir DIR` (SQLite store, warn-level logs).',
    `Both hold the same ${r.decisions.toLocaleString('en-US')} active decisions (${r.mix}), imported with`,
    '`cscli decisions import` and `herd decisions import` from the same generated CSV; durations 4h to 48h.',
    'Before timing, a sample of answers is checked on both (a banned IP gets its decision, any other IP gets `null`)',
    'and a stream startup must hold every decision.',
    '',
    '### Live mode: `GET /v1/decisions?ip=`',
    '',
    `Load: \`${r.wrkCommand}\`,`,
    `a Lua script sending \`GET /v1/decisions?ip=<ip>\` with the bouncer's X-Api-Key over ${r.queries.toLocaleString('en-US')} generated IPs`,
    '(half banned, half not; the same file for both). One wrk thread takes one of the 2 cores; the server gets the other',
    '(Go may use both when wrk waits; Node.js runs JavaScript on one). Nothing is pinned. 32 connections keep both busy.',
    `Runs alternate (CrowdSec, herd, CrowdSec, …) after a warm-up of each; medians of ${cs.live.length} runs; a server is left to go idle`,
    "before the next run (CrowdSec keeps working off requests wrk gave up on). wrk's timeout is long so that slow answers",
    'are measured, not dropped.',
    '',
    '| measure | CrowdSec 1.4.6 | herd | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    `| requests/s (median) | ${num(rps(cs))} | ${num(rps(h))} | ${ratio(rpsRatio)} more | ≥ 2× | ${yes(rpsRatio >= 2)} |`,
    `| p99 latency, ms (median) | ${num(p99(cs))} | ${num(p99(h))} | ${ratio(p99(cs) / p99(h))} lower | ≤ CrowdSec | ${yes(p99Ok)} |`,
    `| p50 latency, ms (median) | ${num(p50(cs))} | ${num(p50(h))} | ${ratio(p50(cs) / p50(h))} lower | — | — |`,
    `| requests/s, each run | ${runs(cs, (w) => w.requestsPerSec)} | ${runs(h, (w) => w.requestsPerSec)} | | | |`,
    `| p99 ms, each run | ${runs(cs, (w) => w.latencyMs.p99)} | ${runs(h, (w) => w.latencyMs.p99)} | | | |`,
    `| one request at a time on an idle server, ms (median of ${cs.singleMs.length}) | ${num(median(cs.singleMs))} | ${num(median(h.singleMs))} | ${ratio(median(cs.singleMs) / median(h.singleMs))} lower | — | — |`,
    `| non-2xx answers + socket errors, all runs | ${errors(cs)} | ${errors(h)} | | 0 | ${yes(errors(cs) + errors(h) === 0)} |`,
    '',
    "Why the gap: CrowdSec 1.4.6 answers `?ip=` with an SQL query (`start_ip <= ip AND end_ip >= ip AND until > now`) that",
    'its (start_ip, end_ip) index cannot bound on both sides, so each request scans a large part of the table (see the',
    'one-at-a-time row); herd answers from its in-memory index without SQL.',
    '',
    '### Stream startup: `GET /v1/decisions/stream?startup=true`',
    '',
    `One request at a time on a fresh connection, timed from sending to the last byte; median of ${cs.stream.length}, alternating.`,
    'The same bouncer each time (a startup answer holds every active decision whichever bouncer asks).',
    '',
    '| measure | CrowdSec 1.4.6 | herd | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    `| time to last byte, ms (median) | ${num(streamMs(cs), 0)} | ${num(streamMs(h), 0)} | ${ratio(streamRatio)} faster | ≥ 2× faster | ${yes(streamRatio >= 2)} |`,
    `| body size (identity) | ${mib(streamBytes(cs))} | ${mib(streamBytes(h))} | ${(streamBytes(h) / streamBytes(cs)).toFixed(2)}× the size | — | — |`,
    `| ms, each run | ${streamRuns(cs)} | ${streamRuns(h)} | | | |`,
    `| with \`Accept-Encoding: gzip\`: Content-Encoding | ${enc(cs)} | ${enc(h)} | | | |`,
    `| with \`Accept-Encoding: gzip\`: size, ms (median) | ${mib(gzBytes(cs))}, ${num(gzMs(cs), 0)} | ${mib(gzBytes(h))}, ${num(gzMs(h), 0)} | | | |`,
    '',
    "herd's body is larger because each decision carries its `uuid` (as later CrowdSec versions send); CrowdSec 1.4.6's",
    `durations carry nanoseconds (\`3h59m36.76746904s\`), herd's whole seconds. ${compression(cs, h)}`,
    '',
    '### Import and memory (for information)',
    '',
    '| measure | CrowdSec 1.4.6 | herd | ratio |',
    '| --- | --- | --- | --- |',
    `| import of the decisions (\`cscli decisions import\` / \`herd decisions import\`), s | ${(cs.importMs / 1000).toFixed(1)} | ${(h.importMs / 1000).toFixed(1)} | ${ratio(cs.importMs / h.importMs)} faster |`,
    `| server resident memory after the load, MiB | ${num(cs.rssMiB, 0)} | ${num(h.rssMiB, 0)} | ${(h.rssMiB / cs.rssMiB).toFixed(2)}× |`,
    '',
    `Targets (≥ 2× CrowdSec's requests/s at equal or lower p99, stream startup ≥ 2× faster): ${yes(rpsRatio >= 2 && p99Ok && streamRatio >= 2)}.`,
    '',
  ];
  return lines.join('\n');
}

/**
 * The document with `section` in place: an existing section with the same title (after the
 * marker) is replaced up to the next `## ` heading; otherwise the section goes at the end. Without
 * the marker, the marker is added first. Everything else is left as it was.
 */
export function placeSection(doc: string, section: string): string {
  return placeNamedSection(doc, SECTION_TITLE, section);
}

/** Puts `section` (starting with its `## title` line) after the marker, replacing an older one. */
export function placeNamedSection(doc: string, title: string, section: string): string {
  const SECTION_TITLE = title;
  const body = section.endsWith('\n') ? section : section + '\n';
  let text = doc;
  if (!text.includes(MARKER)) text = (text === '' || text.endsWith('\n') ? text : text + '\n') + (text === '' ? '' : '\n') + MARKER + '\n';
  const markerAt = text.indexOf(MARKER);
  const afterMarker = markerAt + MARKER.length;
  const titleRe = new RegExp(`^${SECTION_TITLE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ \\t]*$`, 'm');
  const rest = text.slice(afterMarker);
  const m = titleRe.exec(rest);
  if (m) {
    const start = afterMarker + m.index;
    const next = /^## /m.exec(text.slice(start + m[0].length));
    const end = next ? start + m[0].length + next.index : text.length;
    return text.slice(0, start) + body + (next ? '\n' : '') + text.slice(end).replace(/^\n+/, '');
  }
  const base = text.endsWith('\n') ? text : text + '\n';
  return base + '\n' + body;
}
