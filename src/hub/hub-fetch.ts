import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { HerdError } from '../core/index.js';
import { withTempFile } from './atomic-file.js';

/**
 * HTTP GET for hub files (Node's fetch): a deadline for the whole exchange, a size cap, and errors
 * that name the URL and say what to do instead (`hint`: use --hub, --data-source, …).
 */

export interface FetchOptions {
  /** The whole request, body included, must finish within this. */
  timeoutMs: number;
  maxBytes: number;
  /** What the user can do instead, appended to error messages. */
  hint: string;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

function fetchError(url: string, err: unknown, opts: FetchOptions): HerdError {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err instanceof HerdError) return err;
  let reason: string;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') reason = `no complete answer within ${opts.timeoutMs / 1000}s`;
  else if (e?.cause?.code) reason = `${e.cause.code}${e.cause.message ? ` (${e.cause.message})` : ''}`;
  else reason = e?.cause?.message ?? e?.message ?? String(err);
  return new HerdError('HERD_HUB_FETCH', `cannot download ${url}: ${reason}; ${opts.hint}`, { cause: err });
}

async function get(url: string, opts: FetchOptions, headers: Record<string, string> = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs), headers: { 'user-agent': 'herd-hub', ...headers }, redirect: 'follow' });
  } catch (err) {
    throw fetchError(url, err, opts);
  }
  if (res.status !== 200 && res.status !== 304) {
    await res.body?.cancel().catch(() => undefined);
    throw new HerdError('HERD_HUB_FETCH', `cannot download ${url}: the server answered HTTP ${res.status}; ${opts.hint}`);
  }
  const length = Number(res.headers.get('content-length') ?? NaN);
  if (length > opts.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge(url, opts);
  }
  return res;
}

function tooLarge(url: string, opts: FetchOptions): HerdError {
  return new HerdError('HERD_HUB_FETCH', `cannot download ${url}: larger than ${opts.maxBytes} bytes, which is not a hub file; ${opts.hint}`);
}

/** The body of a 200 answer, whole. */
export async function fetchBytes(url: string, opts: FetchOptions): Promise<Buffer> {
  const res = await get(url, opts);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    if (res.body) {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        total += chunk.byteLength;
        if (total > opts.maxBytes) throw tooLarge(url, opts);
        chunks.push(Buffer.from(chunk));
      }
    }
  } catch (err) {
    throw fetchError(url, err, opts);
  }
  return Buffer.concat(chunks);
}

/**
 * Streams a URL into `dest` through a temporary file (no half-written file on failure). With
 * `ifModifiedSince`, a 304 answer leaves `dest` as it is.
 */
export async function fetchToFile(url: string, dest: string, opts: FetchOptions & { ifModifiedSince?: Date }): Promise<'downloaded' | 'not-modified'> {
  const headers: Record<string, string> = opts.ifModifiedSince ? { 'if-modified-since': opts.ifModifiedSince.toUTCString() } : {};
  const res = await get(url, opts, headers);
  if (res.status === 304) return 'not-modified';
  await withTempFile(dest, async (tmp) => {
    let total = 0;
    const limit = async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        total += chunk.length;
        if (total > opts.maxBytes) throw tooLarge(url, opts);
        yield chunk;
      }
    };
    try {
      const body = res.body ? Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>) : Readable.from([]);
      await pipeline(body, limit, createWriteStream(tmp));
    } catch (err) {
      throw fetchError(url, err, opts);
    }
  });
  return 'downloaded';
}
