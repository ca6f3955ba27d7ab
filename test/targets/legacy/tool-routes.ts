import { open, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { HttpProblem, badRequest, forbidden, isAdmin, notFound, objectBody, own, queryValue, requireUser, type LegacyContext } from './context.js';

/**
 * The export reader, the avatar fetcher and the admin audit log. Flaws on the vulnerable variant:
 * path traversal in `file`, server-side request forgery in `url`, and an audit log any logged-in
 * user may read.
 */

const MAX_FILE = 64 * 1024;
const AVATAR_TIMEOUT_MS = 3_000;
const MAX_FETCHED = 256 * 1024;
const AUDIT_ROWS = 100;

/** The first bytes of a regular file, or null when there is none at this path. */
async function readHead(path: string): Promise<string | null> {
  try {
    if (!(await stat(path)).isFile()) return null;
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(MAX_FILE);
      const { bytesRead } = await handle.read(buffer, 0, MAX_FILE, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

/** Fetches `url` (3 s, at most MAX_FETCHED bytes read) and answers its status. */
async function fetchStatus(url: string): Promise<{ status: number; contentType: string; bytes: number }> {
  const signal = AbortSignal.timeout(AVATAR_TIMEOUT_MS);
  const response = await fetch(url, { method: 'GET', headers: { 'user-agent': 'legacy-notes-avatar/0.9', accept: 'image/*' }, redirect: 'follow', signal });
  let bytes = 0;
  if (response.body !== null) {
    const reader = response.body.getReader();
    while (bytes < MAX_FETCHED) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
    }
    await reader.cancel().catch(() => undefined);
  }
  return { status: response.status, contentType: response.headers.get('content-type')?.slice(0, 100) ?? '', bytes: Math.min(bytes, MAX_FETCHED) };
}

export function registerToolRoutes(app: FastifyInstance, ctx: LegacyContext): void {
  app.get('/api/export', async (req, reply) => {
    requireUser(ctx, req);
    const file = queryValue(req, 'file', 255);
    if (file === undefined || file === '') throw badRequest('the query parameter file is required');
    let real: string | null;
    if (ctx.vulnerable) {
      // The flaw: the name is joined to the export directory as it came.
      real = await realpath(join(ctx.exportDir, file)).catch(() => null);
      // Kernel files would hand the test machine's environment to whoever scans the target.
      if (real === null || /^\/(proc|sys|dev)(\/|$)/.test(real)) throw notFound('no export with this name');
    } else {
      if (/[/\\\0]/.test(file) || file.includes('..')) throw badRequest('file must be a plain file name');
      real = await realpath(resolve(ctx.exportDir, file)).catch(() => null);
      if (real === null || !real.startsWith(ctx.exportDir + sep)) throw notFound('no export with this name');
    }
    const text = await readHead(real);
    if (text === null) throw notFound('no export with this name');
    return reply.type('text/plain; charset=utf-8').send(text);
  });

  app.post('/api/avatar', async (req) => {
    const user = requireUser(ctx, req);
    const raw = own(objectBody(req), 'url');
    if (typeof raw !== 'string' || raw.length > 2048) throw badRequest('url must be a URL of at most 2048 characters');
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw badRequest('url must be an absolute http or https URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('url must be an absolute http or https URL');
    if (!ctx.vulnerable) {
      const allowed = url.protocol === 'https:' && ctx.avatarHosts.includes(url.hostname.toLowerCase()) && url.username === '' && url.password === '' && url.port === '';
      if (!allowed) throw badRequest(`url must be an https URL on ${ctx.avatarHosts.join(', ')}`);
    }
    ctx.db.audit(user.username, 'avatar.fetch', url.host, ctx.clock.now());
    try {
      // The flaw (vulnerable): any URL, loopback and private addresses included, is fetched.
      const answer = await fetchStatus(url.href);
      return { url: url.href, ...answer };
    } catch {
      throw new HttpProblem(502, 'Bad Gateway', 'the avatar URL could not be fetched');
    }
  });

  app.get('/api/admin/audit', async (req) => {
    const user = requireUser(ctx, req);
    // The flaw (vulnerable): being logged in is taken for being an administrator.
    if (!ctx.vulnerable && !isAdmin(user)) throw forbidden('the audit log is for administrators');
    return { items: ctx.db.auditLog(AUDIT_ROWS) };
  });
}
