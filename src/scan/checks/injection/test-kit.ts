/**
 * For tests of the injection checks: a real HTTP app on 127.0.0.1, the real scan client pointed at
 * it, samples made of real requests, a canary server, and a context that collects findings.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ApiOperation, ApiParameter, ApiRequestBody, HttpMethod, RestApi, ScanApi } from '../../model.js';
import type { Canary, CheckContext, FindingInput, Sample, ScanUser } from '../../check.js';
import { HttpScanClient } from '../../http/scan-client.js';

export async function listen(app: FastifyInstance): Promise<URL> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as AddressInfo;
  return new URL(`http://127.0.0.1:${address.port}`);
}

export function operation(method: HttpMethod, path: string, extra: { parameters?: ApiParameter[]; requestBody?: ApiRequestBody; id?: string } = {}): ApiOperation {
  return {
    id: extra.id ?? `${method} ${path}`,
    method,
    path,
    tags: [],
    parameters: extra.parameters ?? [],
    requestBody: extra.requestBody,
    responses: [{ status: '200' }],
    requiresAuth: false,
    deprecated: false,
  };
}

export function query(name: string, schema: Record<string, unknown> = { type: 'string' }, required = false): ApiParameter {
  return { name, in: 'query', required, schema };
}

export function pathParam(name: string, schema: Record<string, unknown> = { type: 'string' }): ApiParameter {
  return { name, in: 'path', required: true, schema };
}

export function restApi(operations: ApiOperation[]): RestApi {
  return { kind: 'rest', title: 'test', version: '1', specVersion: 'openapi 3.0.3', source: 'test', servers: [], operations };
}

export function client(baseUrl: URL, options: { safe?: boolean; budget?: number } = {}): HttpScanClient {
  return new HttpScanClient({ baseUrl, budget: options.budget ?? 5000, ratePerSecond: 0, concurrency: 4, timeoutMs: 15_000, maxBodyBytes: 2 * 1024 * 1024, safe: options.safe ?? false });
}

/** Sends the request once (as anonymous) and makes it a sample; fails when the API does not answer 2xx. */
export async function sample(
  scanClient: HttpScanClient,
  baseUrl: URL,
  op: ApiOperation,
  request: { path: string; json?: unknown; form?: Record<string, string>; pathValues?: Record<string, string> },
): Promise<Sample> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  }
  const req = { method: op.method, url: new URL(request.path, baseUrl).toString(), headers, ...(body === undefined ? {} : { body }) };
  const exchange = await scanClient.send(req);
  if (exchange.response === null || exchange.response.status >= 300) {
    throw new Error(`sample ${op.method} ${request.path} failed: ${exchange.error ?? exchange.response?.status}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(exchange.response.body) as unknown;
  } catch {
    json = undefined;
  }
  return { operation: op, user: null, request: req, exchange, pathValues: request.pathValues ?? {}, json };
}

/** A canary on 127.0.0.1 that records the paths it was asked for. */
export class TestCanary implements Canary {
  private readonly hits = new Set<string>();
  private readonly issued = new Set<string>();
  private readonly server: Server;
  private counter = 0;
  private port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      this.hits.add((req.url ?? '').split('?')[0]);
      res.end('herd canary');
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(label: string): string {
    this.counter++;
    const url = `http://127.0.0.1:${this.port}/c/${this.counter}/${encodeURIComponent(label)}`;
    this.issued.add(url);
    return url;
  }

  get hitCount(): number {
    return this.hits.size;
  }

  async wasHit(url: string, waitMs = 0): Promise<boolean> {
    if (!this.issued.has(url)) throw new Error(`wasHit is for URLs that url() gave, not ${url}`);
    const path = new URL(url).pathname;
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (this.hits.has(path)) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface TestContext {
  readonly ctx: CheckContext;
  readonly findings: FindingInput[];
}

export function context(options: { api: ScanApi; baseUrl: URL; client: HttpScanClient; samples: Sample[]; safe?: boolean; canary?: Canary; users?: ScanUser[] }): TestContext {
  const findings: FindingInput[] = [];
  const samples = new Map<string, Sample[]>();
  for (const s of options.samples) samples.set(s.operation.id, [...(samples.get(s.operation.id) ?? []), s]);
  const ctx: CheckContext = {
    api: options.api,
    baseUrl: options.baseUrl,
    client: options.client,
    users: options.users ?? [],
    samples,
    resources: [],
    safe: options.safe ?? false,
    canary: options.canary ?? {
      url: () => 'http://127.0.0.1:9/unused',
      wasHit: () => Promise.resolve(false),
    },
    report: (f) => findings.push(f),
    log: () => undefined,
  };
  return { ctx, findings };
}
