/**
 * One scan, start to end: load the API description (or discover it), log the users in, explore,
 * run the checks, and gather their findings (evidence redacted, fingerprinted, deduplicated).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { HerdError } from '../core/index.js';
import type { Check, CheckContext, FindingInput, KnownResource, Sample } from './check.js';
import type { CheckInfo, Exchange, Finding, RestApi, ScanApi, ScanRequest, ScanResult } from './model.js';
import { HttpScanClient } from './http/scan-client.js';
import { UserCredentials, type UserConfig } from './auth/credentials.js';
import { autoUsers } from './auth/auto-users.js';
import { autoGraphqlUsers } from './auth/auto-graphql-users.js';
import { CanaryServer } from './oob/canary-server.js';
import { loadOpenApi, parseSpecText } from './spec/openapi-load.js';
import { discoverSpec } from './spec/discover.js';
import { apiRoot } from './explore/build-request.js';
import { exploreRest, parseJson } from './explore/explore-rest.js';
import { redactExchange } from './redact.js';
import { exploreGraphql, loadGraphqlApi } from './graphql/index.js';

export interface ScanOptions {
  /** The running API's base URL; its origin is the only one requests go to. */
  readonly url: string;
  /** OpenAPI/Swagger file path or URL. */
  readonly openapi?: string;
  /** GraphQL: the endpoint path (`/graphql`), and an SDL file when introspection is off. */
  readonly graphql?: { readonly endpoint?: string; readonly sdlFile?: string };
  readonly users: readonly UserConfig[];
  readonly checks: readonly Check[];
  readonly budget?: number;
  readonly ratePerSecond?: number;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly maxBodyBytes?: number;
  readonly safe?: boolean;
  /** With no users given, sign two up when the API allows it (default true; never under --safe). */
  readonly autoUsers?: boolean;
  readonly version?: string;
  readonly onProgress?: (p: ScanProgress) => void;
  readonly log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface ScanProgress {
  readonly phase: 'loading' | 'exploring' | 'checking' | 'done';
  readonly operations: number;
  readonly requests: number;
  readonly findings: number;
  /** The check running, in the checking phase. */
  readonly check?: string;
}

/** Evidence bodies are kept to this many characters in reports. */
export const EVIDENCE_BODY_CHARS = 4096;

export async function runScan(o: ScanOptions): Promise<ScanResult> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  let baseUrl: URL;
  try {
    baseUrl = new URL(o.url);
  } catch {
    throw new HerdError('HERD_SCAN_CONFIG_INVALID', `--url ${o.url} is not a URL; give the API's base URL, e.g. http://127.0.0.1:8080`);
  }
  if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:') {
    throw new HerdError('HERD_SCAN_CONFIG_INVALID', `--url ${o.url}: only http and https are scanned`);
  }
  const log = o.log ?? (() => undefined);
  const findings = new Map<string, Finding>();
  let operations = 0;
  const progress = (phase: ScanProgress['phase'], check?: string): void =>
    o.onProgress?.({ phase, operations, requests: client.stats.requests, findings: findings.size, ...(check !== undefined ? { check } : {}) });

  const credentials = new UserCredentials(o.users, baseUrl);
  const client = new HttpScanClient({
    baseUrl,
    budget: o.budget ?? 10_000,
    ratePerSecond: o.ratePerSecond ?? 0,
    concurrency: o.concurrency ?? 4,
    timeoutMs: o.timeoutMs ?? 10_000,
    maxBodyBytes: o.maxBodyBytes ?? 1 << 20,
    safe: o.safe ?? false,
    credentials,
    headers: { 'user-agent': `herd-scan/${o.version ?? 'dev'}` },
  });
  const canary = await CanaryServer.start();
  try {
    progress('loading');
    const api = await loadApi(o, baseUrl, client);
    operations = api.operations.length;
    log('api loaded', { kind: api.kind, title: api.title, operations });
    progress('exploring');
    const scanUsers: UserConfig[] = [...o.users];
    if (scanUsers.length === 0 && o.autoUsers !== false && !(o.safe ?? false)) {
      // Nobody to act as: sign two users up when the API lets anyone do so.
      const send = (r: ScanRequest): Promise<Exchange> => client.sendRaw(r);
      const made = api.kind === 'rest' ? await autoUsers({ api, root: apiRoot(baseUrl, api.servers), send }) : await autoGraphqlUsers({ api, baseUrl, send });
      if (made.length > 0) {
        credentials.add(made);
        scanUsers.push(...made);
        log('signed up scan users', { users: made.map((u) => u.name) });
      }
    }
    const users = scanUsers.map((u) => u.name);
    let samples: Map<string, Sample[]>;
    let resources: KnownResource[];
    if (api.kind === 'rest') {
      const root = apiRoot(baseUrl, api.servers);
      ({ samples, resources } = await exploreRest({ api, root, client, users, safe: o.safe ?? false, identities: loginNamesOf(scanUsers), onProgress: () => progress('exploring') }));
      addLoginSamples(api, root, credentials, samples);
    } else {
      ({ samples, resources } = await exploreGraphql({ api, baseUrl, client, users: scanUsers.map((u) => ({ name: u.name, role: u.role })), safe: o.safe ?? false, log }));
    }
    log('explored', { samples: [...samples.values()].reduce((n, l) => n + l.length, 0), resources: resources.length });
    const applicable = o.checks.filter((c) => c.appliesTo === 'any' || c.appliesTo === api.kind);
    for (const check of applicable) {
      progress('checking', check.id);
      const ctx: CheckContext = {
        api,
        baseUrl,
        client,
        users: scanUsers.map((u) => ({ name: u.name, role: u.role })),
        samples,
        resources,
        safe: o.safe ?? false,
        canary,
        report: (f) => addFinding(findings, check, f),
        log: (msg, fields) => log(msg, { check: check.id, ...fields }),
      };
      try {
        await check.run(ctx);
      } catch (err) {
        log('check failed', { check: check.id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    progress('done');
    const infos = new Map<string, CheckInfo>();
    for (const c of applicable) if (!infos.has(c.id)) infos.set(c.id, infoOf(c));
    return {
      tool: { name: 'herd', version: o.version ?? 'dev' },
      target: { baseUrl: baseUrl.toString(), api: api.source, kind: api.kind },
      startedAt,
      checks: [...infos.values()],
      findings: [...findings.values()],
      stats: { operations, requests: client.stats.requests, durationMs: Date.now() - started, refused: client.stats.refused, errors: client.stats.errors },
    };
  } finally {
    await canary.close();
  }
}

async function loadApi(o: ScanOptions, baseUrl: URL, client: HttpScanClient): Promise<ScanApi> {
  const users = o.users.map((u) => u.name);
  if (o.graphql !== undefined) return loadGraphqlApi({ client, baseUrl, users, ...o.graphql });
  if (o.openapi !== undefined) {
    const text = await readSpec(o.openapi, client);
    return loadOpenApi(parseSpecText(text, o.openapi), o.openapi);
  }
  const found = await discoverSpec(client, baseUrl);
  if (found?.kind === 'openapi') return loadOpenApi(parseSpecText(found.text, found.url), found.url);
  if (found?.kind === 'graphql') return loadGraphqlApi({ client, baseUrl, users, endpoint: found.endpoint });
  throw new HerdError(
    'HERD_SCAN_NO_SPEC',
    `no OpenAPI document or GraphQL endpoint found at the usual places of ${baseUrl.origin}; give --openapi FILE|URL or --graphql ENDPOINT`,
  );
}

/** A description from a file, or from a URL: through the client on the target's origin. */
async function readSpec(location: string, client: HttpScanClient): Promise<string> {
  if (/^https?:\/\//i.test(location)) {
    const ex = await client.sendRaw({ method: 'GET', url: location, headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.1' } });
    if (ex.response === null || ex.response.status !== 200) {
      throw new HerdError('HERD_SCAN_SPEC_UNREADABLE', `${location}: ${ex.response === null ? ex.error : `HTTP ${ex.response.status}`}; the description must be on the scanned origin, or give a file`);
    }
    return ex.response.body;
  }
  try {
    return await readFile(location, 'utf8');
  } catch (err) {
    throw new HerdError('HERD_SCAN_SPEC_UNREADABLE', `${location}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * The users' logins are real, successful requests of the API's login operation (exploration does
 * not call it: it would need credentials it cannot make up): they become its samples, sent without
 * credentials.
 */
function addLoginSamples(api: RestApi, root: URL, credentials: UserCredentials, samples: Map<string, Sample[]>): void {
  for (const exchange of credentials.logins.values()) {
    const url = new URL(exchange.request.url);
    const op = api.operations.find((x) => x.method === exchange.request.method.toUpperCase() && `${root.pathname.replace(/\/$/, '')}${x.path}` === url.pathname);
    const res = exchange.response;
    if (op === undefined || res === null) continue;
    const list = samples.get(op.id) ?? [];
    if (list.length >= 2) continue;
    list.push({ operation: op, user: null, request: exchange.request, exchange, pathValues: {}, json: parseJson(res.body, res.headers['content-type']) });
    samples.set(op.id, list);
  }
}

/** What each user logs in with that names them (user name, e-mail, login), by user. */
function loginNamesOf(users: readonly UserConfig[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const u of users) {
    const fields: Record<string, string> = {};
    const a = u.auth;
    if ('basic' in a) fields.username = a.basic.username;
    if ('login' in a && typeof a.login.body === 'object' && a.login.body !== null) {
      for (const [k, v] of Object.entries(a.login.body as Record<string, unknown>)) {
        if (typeof v === 'string' && /^(user_?name|login|e-?mail|user|handle)$/i.test(k)) fields[k] = v;
      }
    }
    out.set(u.name, fields);
  }
  return out;
}

function infoOf(c: Check): CheckInfo {
  return { id: c.id, title: c.title, severity: c.severity, cwe: c.cwe, owasp: c.owasp, description: c.description, remediation: c.remediation };
}

export function fingerprintOf(checkId: string, location: string, key: string | undefined): string {
  return createHash('sha256').update(`${checkId}\u0000${location}\u0000${key ?? ''}`).digest('hex').slice(0, 32);
}

function trimmed(e: Exchange): Exchange {
  const r = redactExchange(e);
  const cut = (s: string) => (s.length > EVIDENCE_BODY_CHARS ? `${s.slice(0, EVIDENCE_BODY_CHARS)}… (${s.length - EVIDENCE_BODY_CHARS} more characters)` : s);
  return {
    request: { ...r.request, ...(r.request.body !== undefined ? { body: cut(r.request.body) } : {}) },
    response: r.response === null ? null : { ...r.response, body: cut(r.response.body) },
    ...(r.error !== undefined ? { error: r.error } : {}),
  };
}

function addFinding(findings: Map<string, Finding>, check: Check, f: FindingInput): void {
  const fingerprint = fingerprintOf(check.id, f.location, f.key);
  if (findings.has(fingerprint)) return;
  findings.set(fingerprint, {
    checkId: check.id,
    title: check.title,
    severity: f.severity ?? check.severity,
    cwe: check.cwe,
    owasp: check.owasp,
    location: f.location,
    detail: f.detail,
    evidence: f.evidence.slice(0, 5).map(trimmed),
    fingerprint,
  });
}
