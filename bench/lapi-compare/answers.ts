import { request } from 'node:http';
import type { BenchQuery } from './dataset.js';
import type { RunningServer } from './processes.js';

/**
 * Before any timing, both servers must answer right: a banned IP gets its one decision (value,
 * type ban, origin cscli-import), an IP banned by nothing gets `null`, and a stream startup holds
 * every decision. A wrong answer served fast is no result.
 */

/** Why an answer to `GET /v1/decisions?ip=` is wrong, or null when it is right. */
export function answerProblem(status: number, body: string, expected: string | null): string | null {
  if (status !== 200) return `status ${status}`;
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return `not JSON: ${body.slice(0, 80)}`;
  }
  if (expected === null) return data === null ? null : `expected null, got ${body.slice(0, 120)}`;
  if (!Array.isArray(data) || data.length !== 1) return `expected one decision on ${expected}, got ${body.slice(0, 160)}`;
  const d = data[0] as Record<string, unknown>;
  if (d.value !== expected) return `expected the decision on ${expected}, got one on ${String(d.value)}`;
  if (d.type !== 'ban' || d.origin !== 'cscli-import') return `expected type ban and origin cscli-import, got ${String(d.type)}/${String(d.origin)}`;
  if (typeof d.duration !== 'string' || !/^\d+h/.test(d.duration)) return `expected a duration of hours, got ${String(d.duration)}`;
  return null;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Body bytes as received (compressed when the server compressed). */
  bytes: number;
  body: Buffer;
  /** From sending the request to the last byte, ms. */
  ms: number;
}

/** One GET on a fresh connection, timed to the last byte. */
export function get(url: string, headers: Record<string, string>): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method: 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        bytes += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, body: Buffer.concat(chunks), ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Checks `sample` answers of the server; returns the problems (empty when all are right). */
export async function checkAnswers(server: RunningServer, sample: readonly BenchQuery[]): Promise<string[]> {
  const problems: string[] = [];
  for (const q of sample) {
    const a = await get(`${server.url}/v1/decisions?ip=${encodeURIComponent(q.ip)}`, { 'X-Api-Key': server.key });
    const p = answerProblem(a.status, a.body.toString('utf8'), q.expected);
    if (p !== null) problems.push(`${server.name} ?ip=${q.ip}: ${p}`);
  }
  return problems;
}

/** Checks that a stream startup holds `count` new decisions and none deleted. */
export function streamProblem(status: number, body: string, count: number): string | null {
  if (status !== 200) return `status ${status}`;
  const data = JSON.parse(body) as { new?: unknown; deleted?: unknown };
  const added = Array.isArray(data.new) ? data.new.length : 0;
  const deleted = Array.isArray(data.deleted) ? data.deleted.length : 0;
  if (added !== count || deleted !== 0) return `expected ${count} new and 0 deleted, got ${added} new and ${deleted} deleted`;
  return null;
}

/** Half the sample banned, half not, from the front of the query list. */
export function answerSample(queries: readonly BenchQuery[], size: number): BenchQuery[] {
  const banned = queries.filter((q) => q.expected !== null).slice(0, size >> 1);
  const free = queries.filter((q) => q.expected === null).slice(0, size - banned.length);
  return [...banned, ...free];
}
