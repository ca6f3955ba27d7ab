import { badRequest } from './problem.js';

/**
 * Server-side fetches of a URL a caller gave: the URL check (any http(s) URL on the vulnerable
 * variant, which is the SSRF; only https on allowed hosts, no credentials or port, on the fixed one)
 * and a fetch that reads at most a capped number of bytes within a time limit.
 */

/** The URL in `raw` (a body field), checked as described above; a 400 (HttpProblem) otherwise. */
export function outboundUrl(raw: unknown, vulnerable: boolean, allowedHosts: readonly string[]): URL {
  if (typeof raw !== 'string' || raw.length > 2048) throw badRequest('url must be a URL of at most 2048 characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest('url must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('url must be an absolute http or https URL');
  if (!vulnerable) {
    const allowed = url.protocol === 'https:' && allowedHosts.includes(url.hostname.toLowerCase()) && url.username === '' && url.password === '' && url.port === '';
    if (!allowed) throw badRequest(`url must be an https URL on ${allowedHosts.join(', ')}`);
  }
  return url;
}

export interface CappedFetch {
  readonly userAgent: string;
  readonly accept: string;
  /** Follow redirects, or fail on one. */
  readonly follow: boolean;
  readonly timeoutMs: number;
  /** Bytes of the answer read at most; the rest is never read. */
  readonly maxBytes: number;
}

/** GETs `url` and answers its status, headers and at most `maxBytes` bytes of its body. */
export async function fetchCapped(url: string, options: CappedFetch): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const response = await fetch(url, {
    method: 'GET',
    headers: { 'user-agent': options.userAgent, accept: options.accept },
    redirect: options.follow ? 'follow' : 'error',
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body !== null) {
    const reader = response.body.getReader();
    while (size < options.maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
    await reader.cancel().catch(() => undefined);
  }
  return { status: response.status, headers: response.headers, body: Buffer.concat(chunks).subarray(0, options.maxBytes) };
}
