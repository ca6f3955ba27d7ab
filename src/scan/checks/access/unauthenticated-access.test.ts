import { afterEach, describe, expect, it } from 'vitest';
import { NOTES_API, NOTES_OPS as OPS, NOTE_TOKENS, startNotesApp, type Variant } from './notes-fixtures.js';
import { harness, operation, restApi, serve, USERS } from './test-kit.js';
import { unauthenticatedAccessCheck } from './unauthenticated-access.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

async function explored(variant: Variant) {
  const app = await startNotesApp(variant);
  open.push(app);
  const h = harness({ api: NOTES_API, baseUrl: app.baseUrl, users: USERS, tokens: NOTE_TOKENS });
  await h.sample(OPS.reports, 'alice');
  await h.sample(OPS.me, 'alice');
  await h.sample(OPS.catalog, 'alice', { itemId: '3' });
  await h.sample(OPS.note, 'alice', { noteId: '1' });
  return h;
}

describe('auth.unauthenticated-access', () => {
  it('reports a secured listing that answers a request without credentials with data', async () => {
    const h = await explored('vulnerable');
    const found = await h.run(unauthenticatedAccessCheck);
    expect(found.map((f) => f.location)).toEqual(['GET /v1/reports']);
    const anon = found[0].evidence[1];
    expect(anon.request.headers.authorization).toBeUndefined();
    expect(anon.response?.status).toBe(200);
  });

  it('stays silent when secured operations answer 401, and never reports public ones', async () => {
    const h = await explored('fixed');
    expect(await h.run(unauthenticatedAccessCheck)).toEqual([]);
  });

  it('does not take a sign-in page, an empty result or an error in a 200 for access', async () => {
    const app = await serve((a) => {
      const authed = (h: Record<string, unknown>) => h.authorization === 'Bearer t-alice';
      a.get('/login-page', async (req, reply) => (authed(req.headers) ? { items: [{ id: 1 }] } : reply.type('text/html').send('<form><input type="password" name="pw"></form>')));
      a.get('/empty', async (req) => ({ items: authed(req.headers) ? [{ id: 1, total: 3 }] : [] }));
      a.get('/error', async (req) => (authed(req.headers) ? { id: 1, total: 3 } : { error: 'unauthorized', status: 401 }));
      a.get('/open', async (req) => (authed(req.headers) ? { id: 1, total: 3 } : { id: 1, total: 3 }));
    });
    open.push(app);
    const ops = ['/login-page', '/empty', '/error', '/open'].map((p) => operation('GET', p));
    const h = harness({ api: restApi(ops), baseUrl: app.baseUrl, users: USERS, tokens: { alice: 't-alice' } });
    const found = await h.run(unauthenticatedAccessCheck);
    expect(found.map((f) => f.location)).toEqual(['GET /open']);
  });
});
