/**
 * SARIF 2.1.0, the format GitHub code scanning (and most security dashboards) import: one run, one
 * rule per check, one result per finding. GitHub reads `security-severity` from each rule's
 * properties to rank alerts, and needs a physical location on a file of the repository, so the
 * API description's path in the repository is passed as `specUri` (with its text as `specText`,
 * each result sits on its operation's line there); the operation itself is a logical location,
 * and the evidence is carried as SARIF's `webRequest`/`webResponse`.
 */
import type { CheckInfo, Exchange, Finding, ScanResult, Severity } from '../model.js';
import { checkCatalog } from './catalog.js';
import { excerpt } from './evidence.js';
import { specLocator, type SpecLocator } from './spec-lines.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export type SarifLevel = 'none' | 'note' | 'warning' | 'error';

export interface SarifMessage {
  readonly text: string;
  readonly markdown?: string;
}

export interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: SarifMessage;
  readonly fullDescription: SarifMessage;
  readonly help: SarifMessage;
  readonly helpUri?: string;
  readonly defaultConfiguration: { readonly level: SarifLevel };
  readonly properties: {
    readonly tags: readonly string[];
    readonly 'security-severity': string;
    readonly severity: Severity;
    readonly cwe: string;
    readonly owasp: string;
  };
}

export interface SarifWebRequest {
  readonly protocol: 'HTTP';
  readonly target: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: { readonly text: string };
}

export interface SarifWebResponse {
  readonly protocol: 'HTTP';
  readonly statusCode?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: { readonly text: string };
  readonly noResponseReceived: boolean;
}

export interface SarifLocation {
  readonly physicalLocation?: {
    readonly artifactLocation: { readonly uri: string };
    readonly region: { readonly startLine: number };
  };
  readonly logicalLocations: readonly { readonly name: string; readonly fullyQualifiedName: string }[];
  readonly message?: SarifMessage;
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: SarifLevel;
  readonly message: SarifMessage;
  readonly partialFingerprints: Readonly<Record<string, string>>;
  readonly locations: readonly SarifLocation[];
  readonly webRequest?: SarifWebRequest;
  readonly webResponse?: SarifWebResponse;
  readonly properties: {
    readonly severity: Severity;
    readonly 'security-severity': string;
    readonly evidence: readonly string[];
  };
}

export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly [
    {
      readonly tool: {
        readonly driver: {
          readonly name: 'herd';
          readonly version: string;
          readonly informationUri?: string;
          readonly rules: readonly SarifRule[];
        };
      };
      readonly invocations: readonly [{ readonly executionSuccessful: boolean; readonly startTimeUtc?: string }];
      readonly results: readonly SarifResult[];
      readonly properties: {
        readonly target: { readonly baseUrl: string; readonly api: string; readonly kind: string };
        readonly stats: ScanResult['stats'];
      };
    },
  ];
}

export interface SarifOptions {
  /**
   * The API description's path relative to the repository root (`openapi.yaml`), as GitHub needs a
   * file location to show an alert. Without it results only have logical locations.
   */
  readonly specUri?: string;
  /**
   * The text of the file at `specUri` (OpenAPI/Swagger YAML or JSON, or GraphQL SDL): each result's
   * region is then its operation's line there, so an alert shows on the operation. Without it, or
   * for a location the text does not describe, line 1.
   */
  readonly specText?: string;
  /** herd's home page for `tool.driver.informationUri` (left out when not given). */
  readonly informationUri?: string;
  /** Characters of each evidence body carried in the log (default 4096). */
  readonly maxBody?: number;
}

/** GitHub's `security-severity` scale (CVSS-like, as a string). */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

/** SARIF level: error for high and critical, warning for medium, note for low and info. */
export function sarifLevel(s: Severity): SarifLevel {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

/** `authz.bola` → `AuthzBola`: SARIF's `name` is an identifier a person can read. */
function ruleName(id: string): string {
  const words = id.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  return words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') || 'Check';
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** A fence longer than any run of backticks in the text. */
function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function helpOf(check: CheckInfo): SarifMessage {
  const r = check.remediation;
  const text: string[] = [];
  const md: string[] = [];
  if (check.description) {
    text.push(check.description);
    md.push(check.description);
  }
  if (r.summary) {
    text.push(`Fix: ${r.summary}`);
    md.push(`**Fix.** ${r.summary}`);
  }
  for (const [stack, code] of Object.entries(r.snippets)) {
    text.push(`${stack}:\n${code}`);
    const fence = fenceFor(code);
    md.push(`**${stack}**\n\n${fence}\n${code}\n${fence}`);
  }
  if (r.references.length > 0) {
    text.push(`References:\n${r.references.map((x) => `- ${x}`).join('\n')}`);
    md.push(`**References**\n\n${r.references.map((x) => `- ${x}`).join('\n')}`);
  }
  if (text.length === 0) text.push(check.title);
  if (md.length === 0) md.push(check.title);
  return { text: text.join('\n\n'), markdown: md.join('\n\n') };
}

function ruleOf(check: CheckInfo): SarifRule {
  const helpUri = check.remediation.references.find(isHttpUrl);
  return {
    id: check.id,
    name: ruleName(check.id),
    shortDescription: { text: check.title || check.id },
    fullDescription: { text: check.description || check.title || check.id },
    help: helpOf(check),
    ...(helpUri !== undefined ? { helpUri } : {}),
    defaultConfiguration: { level: sarifLevel(check.severity) },
    properties: {
      // `external/cwe/cwe-639` is the tag GitHub turns into a CWE link; the bare ids are for people.
      tags: ['security', check.cwe, `external/cwe/${check.cwe.toLowerCase()}`, check.owasp],
      'security-severity': SECURITY_SEVERITY[check.severity],
      severity: check.severity,
      cwe: check.cwe,
      owasp: check.owasp,
    },
  };
}

function bodyOf(text: string | undefined, max: number): { text: string } | undefined {
  return text === undefined || text === '' ? undefined : { text: excerpt(text, max) };
}

function webRequestOf(ex: Exchange, maxBody: number): SarifWebRequest {
  const body = bodyOf(ex.request.body, maxBody);
  return {
    protocol: 'HTTP',
    target: ex.request.url,
    method: ex.request.method,
    headers: { ...ex.request.headers },
    ...(body ? { body } : {}),
  };
}

function webResponseOf(ex: Exchange, maxBody: number): SarifWebResponse {
  const r = ex.response;
  if (r === null) return { protocol: 'HTTP', noResponseReceived: true };
  const body = bodyOf(r.body, maxBody);
  return {
    protocol: 'HTTP',
    statusCode: r.status,
    headers: { ...r.headers },
    ...(body ? { body } : {}),
    noResponseReceived: false,
  };
}

function evidenceLines(f: Finding): string[] {
  return f.evidence.map((ex) => {
    const got = ex.response === null ? `no response (${ex.error ?? 'request failed'})` : `HTTP ${ex.response.status}`;
    return `${ex.request.method} ${ex.request.url} → ${got}`;
  });
}

function resultOf(f: Finding, ruleIndex: number, opts: SarifOptions, locate: SpecLocator): SarifResult {
  const maxBody = opts.maxBody ?? 4096;
  const logical = { name: f.location, fullyQualifiedName: f.location };
  const location: SarifLocation = opts.specUri
    ? {
        physicalLocation: { artifactLocation: { uri: opts.specUri }, region: { startLine: locate(f.location) ?? 1 } },
        logicalLocations: [logical],
        message: { text: messageText(f.location) },
      }
    : { logicalLocations: [logical] };
  const first = f.evidence[0];
  return {
    ruleId: f.checkId,
    ruleIndex,
    level: sarifLevel(f.severity),
    message: { text: messageText(`${f.detail} (at ${f.location})`) },
    partialFingerprints: { 'herdFinding/v1': f.fingerprint },
    locations: [location],
    ...(first ? { webRequest: webRequestOf(first, maxBody), webResponse: webResponseOf(first, maxBody) } : {}),
    properties: {
      severity: f.severity,
      'security-severity': SECURITY_SEVERITY[f.severity],
      evidence: evidenceLines(f),
    },
  };
}

/**
 * SARIF message text reads `[text](target)` as an embedded link and wants literal brackets escaped
 * (SARIF 2.1.0 §3.11.6): target data must not become a link in a code scanning alert.
 */
function messageText(s: string): string {
  return s.replace(/[\\[\]]/g, (c) => `\\${c}`);
}

function isIsoDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s));
}

/** The scan as a SARIF 2.1.0 log (a plain object: `JSON.stringify` it to write the file). */
export function toSarif(result: ScanResult, opts: SarifOptions = {}): SarifLog {
  const checks = checkCatalog(result);
  const index = new Map(checks.map((c, i) => [c.id, i]));
  // Parsed once for all results; only worth it when results get a physical location.
  const locate: SpecLocator = opts.specUri && opts.specText !== undefined ? specLocator(opts.specText) : () => undefined;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'herd',
            version: result.tool.version,
            ...(opts.informationUri ? { informationUri: opts.informationUri } : {}),
            rules: checks.map(ruleOf),
          },
        },
        invocations: [{ executionSuccessful: true, ...(isIsoDate(result.startedAt) ? { startTimeUtc: result.startedAt } : {}) }],
        results: result.findings.map((f) => resultOf(f, index.get(f.checkId) ?? 0, opts, locate)),
        properties: { target: { ...result.target }, stats: { ...result.stats } },
      },
    ],
  };
}
