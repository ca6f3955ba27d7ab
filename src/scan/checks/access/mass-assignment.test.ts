import { afterEach, describe, expect, it } from 'vitest';
import { massAssignmentCheck } from './mass-assignment.js';
import { NOTES_API, NOTES_OPS as OPS, NOTE_TOKENS, startNotesApp, type Variant } from './notes-fixtures.js';
import { harness, jsonBody, operation, restApi, serve, USERS } from './test-kit.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

async function explored(variant: Variant, safe = false) {
  const app = await startNotesApp(variant);
  open.push(app);
  const h = harness({ api: NOTES_API, baseUrl: app.baseUrl, users: USERS, tokens: NOTE_TOKENS, safe });
  for (const user of ['alice', 'bob']) await h.sample(OPS.me, user);
  if (!safe) await h.sample(OPS.updateMe, 'bob', undefined, { displayName: 'Bob B.' });
  return { h, app };
}

describe('authz.mass-assignment', () => {
  it('reports a profile update that stores role and credits sent by a normal user, then puts them back', async () => {
    const { h, app } = await explored('vulnerable');
    const found = await h.run(massAssignmentCheck);
    expect(found.map((f) => f.location)).toEqual(['PATCH /v1/me']);
    expect(found[0].detail).toMatch(/role: "user" → "admin"/);
    expect(found[0].detail).toMatch(/credits: 10 → 1000000/);
    const bob = [...app.state.accounts.values()].find((a) => a.username === 'bob');
    expect(bob?.role).toBe('user');
    expect(bob?.credits).toBe(10);
  });

  it('stays silent when the update takes only the documented fields', async () => {
    const { h } = await explored('fixed');
    expect(await h.run(massAssignmentCheck)).toEqual([]);
  });

  it('sends nothing in safe mode', async () => {
    const { h } = await explored('vulnerable', true);
    const before = h.client.stats.requests;
    expect(await h.run(massAssignmentCheck)).toEqual([]);
    expect(h.client.stats.requests).toBe(before);
  });

  it('does not take an answer that only echoes the body for a stored change', async () => {
    const stored = { id: 'p1', name: 'Alice', role: 'user' };
    const app = await serve((a) => {
      a.get('/profile', async () => stored);
      a.put('/profile', async (req) => ({ ...stored, ...(req.body as object) }));
    });
    open.push(app);
    const get = operation('GET', '/profile', { responses: [{ status: '200', schema: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', readOnly: true } } } }] });
    const put = operation('PUT', '/profile', { requestBody: jsonBody({ type: 'object', properties: { name: { type: 'string' } } }) });
    const h = harness({ api: restApi([get, put]), baseUrl: app.baseUrl, users: USERS, tokens: { alice: 'a', bob: 'b' } });
    await h.sample(put, 'bob', undefined, { name: 'Bob' });
    expect(await h.run(massAssignmentCheck)).toEqual([]);
    expect(h.client.stats.requests).toBeGreaterThan(2); // it did try
  });
});
