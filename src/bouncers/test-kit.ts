import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WireDecision } from './wire-decision.js';

/**
 * A small stand-in for the local API, for the bouncers' unit tests: a real HTTP server on
 * 127.0.0.1 that answers the two bouncer routes from a list of decisions the test edits, and
 * records what it was asked. (End-to-end tests in test/bouncers use herd's real API.)
 */
export interface StubLapi {
  url: string;
  key: string;
  /** Decisions answered to live queries (matched by exact value) and to `startup=true`. */
  decisions: WireDecision[];
  /** What the next `startup=false` pull answers (then reset to empty). */
  next: { new: WireDecision[]; deleted: WireDecision[] };
  requests: { url: string; headers: http.IncomingHttpHeaders }[];
  /** When set, every request is answered with this status and body. */
  override: { status: number; body: string } | null;
  /** Requests wait for this promise before being answered (to hold them in flight). */
  gate: Promise<void> | null;
  close(): Promise<void>;
}

export function decision(value: string, overrides: Partial<WireDecision> = {}): WireDecision {
  return {
    id: 1,
    origin: 'cscli',
    type: 'ban',
    scope: value.includes('/') ? 'Range' : 'Ip',
    value,
    duration: '4h',
    scenario: 'manual',
    ...overrides,
  };
}

export async function startStubLapi(key = 'test-key-0123456789'): Promise<StubLapi> {
  const stub: StubLapi = {
    url: '',
    key,
    decisions: [],
    next: { new: [], deleted: [] },
    requests: [],
    override: null,
    gate: null,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  const server = http.createServer((req, res) => {
    stub.requests.push({ url: req.url ?? '', headers: req.headers });
    const answer = (): void => {
      if (stub.override) {
        res.writeHead(stub.override.status, { 'content-type': 'application/json' }).end(stub.override.body);
        return;
      }
      if (req.headers['x-api-key'] !== stub.key) {
        res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"access forbidden"}');
        return;
      }
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/v1/decisions') {
        const ip = url.searchParams.get('ip');
        const list = stub.decisions.filter((d) => d.value === ip);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list.length ? list : null));
        return;
      }
      if (url.pathname === '/v1/decisions/stream') {
        const startup = url.searchParams.get('startup') === 'true';
        const body = startup ? { new: stub.decisions.length ? stub.decisions : null, deleted: null } : stub.next;
        if (!startup) stub.next = { new: [], deleted: [] };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        return;
      }
      res.writeHead(404).end();
    };
    if (stub.gate) void stub.gate.then(answer);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return stub;
}

/** A URL on 127.0.0.1 where nothing listens (the port of a server just closed). */
export async function deadUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/`;
}
