import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { HUB_ITEM_TYPES, type HubItemType } from './hub-index.js';

/**
 * For tests: a small hub written on disk (item files and an `.index.json` with their real
 * digests), and a real HTTP server on 127.0.0.1 that serves a directory, where a test can change
 * what a path answers (other bytes, a status, no answer at all).
 */

export interface TestItem {
  type: HubItemType;
  name: string;
  stage?: string;
  /** The file of each version, oldest first; the last is the latest and is the one written. */
  versions: string[];
  /** For a collection: what it lists, by type. */
  deps?: Partial<Record<HubItemType, string[]>>;
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export function testItemPath(it: TestItem): string {
  return `${it.type}/${it.stage ? it.stage + '/' : ''}${it.name}.yaml`;
}

/** The index entry of a test item (versions 0.1, 0.2, …). */
function indexEntry(it: TestItem): Record<string, unknown> {
  const versions: Record<string, { digest: string; deprecated: boolean }> = {};
  it.versions.forEach((text, i) => (versions[`0.${i + 1}`] = { digest: sha256(text), deprecated: false }));
  return {
    path: testItemPath(it),
    version: `0.${it.versions.length}`,
    versions,
    author: it.name.split('/')[0],
    description: `test item ${it.name}`,
    ...(it.stage ? { stage: it.stage } : {}),
    ...(it.deps ?? {}),
  };
}

export function buildIndex(items: readonly TestItem[]): string {
  const index: Record<string, Record<string, unknown>> = {};
  for (const t of HUB_ITEM_TYPES) index[t] = {};
  for (const it of items) index[it.type]![it.name] = indexEntry(it);
  return JSON.stringify(index, null, 2);
}

/** Writes the latest file of each item and the index. */
export function writeTestHub(dir: string, items: readonly TestItem[]): void {
  for (const it of items) {
    const path = join(dir, testItemPath(it));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, it.versions[it.versions.length - 1]!);
  }
  writeFileSync(join(dir, '.index.json'), buildIndex(items));
}

/** What the server does for a path instead of serving the file. */
export type Override = { body: string | Buffer; status?: number } | { hang: true } | { status: number } | { partial: string };

export interface TestHubServer {
  url: string;
  /** Paths requested, in order (without the leading slash). */
  requests: string[];
  override(path: string, o: Override): void;
  close(): Promise<void>;
}

/** Serves `root` over HTTP on 127.0.0.1 (an ephemeral port). */
export async function startHubServer(root: string): Promise<TestHubServer> {
  const overrides = new Map<string, Override>();
  const requests: string[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    requests.push(path);
    const o = overrides.get(path);
    if (o && 'hang' in o) {
      hanging.add(res);
      return;
    }
    if (o && 'partial' in o) {
      // Headers and the start of the body, then nothing more.
      hanging.add(res);
      res.writeHead(200, { 'content-length': String(Buffer.byteLength(o.partial) * 4) });
      res.write(o.partial);
      return;
    }
    if (o && 'body' in o) {
      res.writeHead(o.status ?? 200).end(o.body);
      return;
    }
    if (o) {
      res.writeHead(o.status).end();
      return;
    }
    if (path.includes('..')) return void res.writeHead(400).end();
    try {
      res.writeHead(200).end(readFileSync(join(root, path)));
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    override: (path, o) => overrides.set(path, o),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
