/**
 * The scan as JSON: the ScanResult itself, written with a fixed key order (so two runs that found
 * the same things write the same bytes and diff cleanly), and read back with full validation, as
 * a baseline or a previous report comes from a file anyone could have edited.
 */
import { z } from 'zod';
import { HerdError } from '../../core/index.js';
import { SEVERITIES, type CheckInfo, type Exchange, type Finding, type ScanResult } from '../model.js';

export const SCAN_REPORT_INVALID = 'HERD_SCAN_REPORT_INVALID';

const severity = z.enum(SEVERITIES);
const owasp = z.enum([
  'API1:2023',
  'API2:2023',
  'API3:2023',
  'API4:2023',
  'API5:2023',
  'API6:2023',
  'API7:2023',
  'API8:2023',
  'API9:2023',
  'API10:2023',
]);
const count = z.number().int().nonnegative();
const duration = z.number().nonnegative().finite();
const headers = z.record(z.string(), z.string());

const exchange = z.object({
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers,
    body: z.string().optional(),
  }),
  response: z
    .object({
      status: z.number().int().min(0).max(999),
      headers,
      body: z.string(),
      truncated: z.boolean(),
      timeMs: duration,
    })
    .nullable(),
  error: z.string().optional(),
});

const check = z.object({
  id: z.string().min(1),
  title: z.string(),
  severity,
  cwe: z.string(),
  owasp,
  description: z.string(),
  remediation: z.object({
    summary: z.string(),
    snippets: z.record(z.string(), z.string()),
    references: z.array(z.string()),
  }),
});

const finding = z.object({
  checkId: z.string().min(1),
  title: z.string(),
  severity,
  cwe: z.string(),
  owasp,
  location: z.string(),
  detail: z.string(),
  evidence: z.array(exchange),
  fingerprint: z.string().min(1),
});

/** The schema of a JSON scan report (unknown keys are dropped). */
export const scanResultSchema = z.object({
  tool: z.object({ name: z.literal('herd'), version: z.string() }),
  target: z.object({ baseUrl: z.string(), api: z.string(), kind: z.enum(['rest', 'graphql']) }),
  startedAt: z.string(),
  checks: z.array(check),
  findings: z.array(finding),
  stats: z.object({
    operations: count,
    requests: count,
    durationMs: duration,
    refused: count,
    errors: count,
  }),
});

function sortedRecord(r: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) {
    // Own data property even for a key named __proto__ (plain assignment would set the prototype).
    Object.defineProperty(out, k, { value: r[k], enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function canonicalExchange(e: Exchange): Exchange {
  const r = e.response;
  return {
    request: {
      method: e.request.method,
      url: e.request.url,
      headers: sortedRecord(e.request.headers),
      ...(e.request.body !== undefined ? { body: e.request.body } : {}),
    },
    response:
      r === null
        ? null
        : { status: r.status, headers: sortedRecord(r.headers), body: r.body, truncated: r.truncated, timeMs: r.timeMs },
    ...(e.error !== undefined ? { error: e.error } : {}),
  };
}

function canonicalCheck(c: CheckInfo): CheckInfo {
  return {
    id: c.id,
    title: c.title,
    severity: c.severity,
    cwe: c.cwe,
    owasp: c.owasp,
    description: c.description,
    remediation: {
      summary: c.remediation.summary,
      snippets: sortedRecord(c.remediation.snippets),
      references: [...c.remediation.references],
    },
  };
}

function canonicalFinding(f: Finding): Finding {
  return {
    checkId: f.checkId,
    title: f.title,
    severity: f.severity,
    cwe: f.cwe,
    owasp: f.owasp,
    location: f.location,
    detail: f.detail,
    evidence: f.evidence.map(canonicalExchange),
    fingerprint: f.fingerprint,
  };
}

/**
 * The scan as JSON text: keys in the model's order (records such as headers sorted by name),
 * fields outside the model left out, 2-space indent, a final newline.
 */
export function toJson(result: ScanResult): string {
  const canonical: ScanResult = {
    tool: { name: result.tool.name, version: result.tool.version },
    target: { baseUrl: result.target.baseUrl, api: result.target.api, kind: result.target.kind },
    startedAt: result.startedAt,
    checks: result.checks.map(canonicalCheck),
    findings: result.findings.map(canonicalFinding),
    stats: {
      operations: result.stats.operations,
      requests: result.stats.requests,
      durationMs: result.stats.durationMs,
      refused: result.stats.refused,
      errors: result.stats.errors,
    },
  };
  return JSON.stringify(canonical, null, 2) + '\n';
}

/** `findings[3].evidence[0].response.status` */
function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out || '(the document)';
}

function shorten(s: string, max = 200): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

/**
 * Reads a JSON scan report (as written by `toJson`) and checks every field. Throws a HerdError
 * `HERD_SCAN_REPORT_INVALID` that names the first problems found (`findings[2].severity: …`).
 */
export function readReport(text: string): ScanResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new HerdError(
      SCAN_REPORT_INVALID,
      `the scan report is not JSON (${shorten(err instanceof Error ? err.message : String(err))}); ` +
        'give the file written by `herd scan --format json`',
      { cause: err },
    );
  }
  const parsed = scanResultSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const shown = issues.slice(0, 5).map((i) => `${pathOf(i.path)}: ${shorten(i.message)}`);
    const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more problems)` : '';
    throw new HerdError(
      SCAN_REPORT_INVALID,
      `the scan report is not a herd scan result: ${shown.join('; ')}${more}; ` +
        'give the file written by `herd scan --format json` (or fix the fields named)',
    );
  }
  const result: ScanResult = parsed.data;
  return result;
}
