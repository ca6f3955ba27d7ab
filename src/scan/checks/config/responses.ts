/**
 * Reading responses for the configuration checks: JSON and HTML detection, and the comparison with
 * a baseline answer (a random path) that keeps catch-all servers from producing findings.
 */
import { randomBytes } from 'node:crypto';
import type { Exchange, ScanResponse } from '../../model.js';

/** A path segment no API defines (`herd-3f9c0a1b2d4e`). */
export function randomSegment(): string {
  return `herd-${randomBytes(6).toString('hex')}`;
}

export function is2xx(r: ScanResponse | null): r is ScanResponse {
  return r !== null && r.status >= 200 && r.status < 300;
}

export function contentType(r: ScanResponse): string {
  return (r.headers['content-type'] ?? '').toLowerCase();
}

/** The body as JSON when it is JSON (whatever the content type says), else undefined. */
export function jsonOf(r: ScanResponse): unknown {
  const t = r.body.trimStart();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  try {
    return JSON.parse(r.body) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether the response is an HTML page (by content type, or by its first characters when untyped). */
export function isHtml(r: ScanResponse): boolean {
  const ct = contentType(r);
  if (ct !== '') return ct.includes('text/html') || ct.includes('application/xhtml');
  return /^\s*(?:<!doctype html|<html)/i.test(r.body.slice(0, 200));
}

/** Whether the body looks like markup (a soft-404 page or an SPA's index), whatever the type says. */
export function looksLikeMarkup(body: string): boolean {
  return /^\s*</.test(body.slice(0, 100));
}

/**
 * The body with what varies between two answers of a catch-all removed: the requested paths (and
 * their encoded forms), numbers (timestamps, request ids), hex runs and whitespace.
 */
export function normalizeBody(body: string, paths: readonly string[]): string {
  let b = body;
  for (const p of paths) {
    if (p.length < 2) continue;
    for (const form of new Set([p, encodeURI(p), JSON.stringify(p).slice(1, -1)])) b = b.split(form).join('');
  }
  return b
    .replace(/[0-9a-f]{8,}/gi, '')
    .replace(/\d+/g, '0')
    .replace(/\s+/g, ' ')
    .trim();
}

function keysOf(v: unknown): string | undefined {
  if (Array.isArray(v)) {
    const first: unknown = v[0];
    return `[${v.length}:${keysOf(first) ?? typeof first}]`;
  }
  if (v !== null && typeof v === 'object') return Object.keys(v).sort().join(',');
  return undefined;
}

/**
 * Whether `candidate` is the same kind of answer as `baseline` (the answer to a random path):
 * same status and either the same body once paths and numbers are removed, or JSON of the same
 * shape and about the same size (a catch-all that varies its message).
 */
export function sameAsBaseline(candidate: Exchange, candidatePath: string, baseline: Exchange, baselinePath: string): boolean {
  const c = candidate.response;
  const b = baseline.response;
  if (c === null || b === null) return false;
  if (c.status !== b.status) return false;
  const paths = [candidatePath, baselinePath, ...segmentsOf(candidatePath), ...segmentsOf(baselinePath)];
  if (normalizeBody(c.body, paths) === normalizeBody(b.body, paths)) return true;
  const cj = jsonOf(c);
  const bj = jsonOf(b);
  if (cj === undefined || bj === undefined) return false;
  const ck = keysOf(cj);
  if (ck === undefined || ck !== keysOf(bj)) return false;
  const longer = Math.max(c.body.length, b.body.length);
  return Math.abs(c.body.length - b.body.length) <= Math.max(40, longer * 0.2);
}

/** Path segments long enough to be worth removing from a body (`users`, `herd-…`). */
function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s.length >= 4);
}

/** Whether JSON carries something (not `{}`, `[]`, `null` or a bare scalar). */
export function isSubstantialJson(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return v !== null && typeof v === 'object' && Object.keys(v).length > 0;
}

/** A short quote of a matched text for a finding's detail. */
export function quote(text: string, max = 120): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** `GET /path` for a location, from an absolute URL. */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
