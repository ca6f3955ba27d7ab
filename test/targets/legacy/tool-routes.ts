import type { FastifyInstance } from 'fastify';
import { readNamedFile } from '../kit/files.js';
import { fetchCapped, outboundUrl } from '../kit/outbound-fetch.js';
import { HttpProblem, forbidden, isAdmin, objectBody, own, requireUser, requiredQueryText, type LegacyContext } from './context.js';

/**
 * The export reader, the avatar fetcher and the admin audit log. Flaws on the vulnerable variant:
 * path traversal in `file`, server-side request forgery in `url`, and an audit log any logged-in
 * user may read.
 */

const MAX_FILE = 64 * 1024;
const AVATAR_TIMEOUT_MS = 3_000;
const MAX_FETCHED = 256 * 1024;
const AUDIT_ROWS = 100;

/** Fetches `url` (3 s, at most MAX_FETCHED bytes read) and answers its status. */
async function fetchStatus(url: string): Promise<{ status: number; contentType: string; bytes: number }> {
  const answer = await fetchCapped(url, { userAgent: 'legacy-notes-avatar/0.9', accept: 'image/*', follow: true, timeoutMs: AVATAR_TIMEOUT_MS, maxBytes: MAX_FETCHED });
  return { status: answer.status, contentType: answer.headers.get('content-type')?.slice(0, 100) ?? '', bytes: answer.body.length };
}

export function registerToolRoutes(app: FastifyInstance, ctx: LegacyContext): void {
  app.get('/api/export', async (req, reply) => {
    requireUser(ctx, req);
    const file = requiredQueryText(req, 'file', 255);
    // The flaw (vulnerable): the name is joined to the export directory as it came.
    const text = await readNamedFile({ dir: ctx.exportDir, vulnerable: ctx.vulnerable, param: 'file', missing: 'no export with this name', maxBytes: MAX_FILE }, file);
    return reply.type('text/plain; charset=utf-8').send(text);
  });

  app.post('/api/avatar', async (req) => {
    const user = requireUser(ctx, req);
    const url = outboundUrl(own(objectBody(req), 'url'), ctx.vulnerable, ctx.avatarHosts);
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
