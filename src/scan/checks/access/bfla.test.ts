import { afterEach, describe, expect, it } from 'vitest';
import { adminHint, bflaCheck } from './bfla.js';
import { NOTES_API, NOTES_OPS as OPS, NOTE_TOKENS, startNotesApp, type Variant } from './notes-fixtures.js';
import { harness, operation, USERS } from './test-kit.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

async function explored(variant: Variant, safe = false) {
  const app = await startNotesApp(variant);
  open.push(app);
  const h = harness({ api: NOTES_API, baseUrl: app.baseUrl, users: USERS, tokens: NOTE_TOKENS, safe });
  for (const user of ['alice', 'bob', 'admin']) await h.sample(OPS.me, user);
  await h.sample(OPS.accounts, 'admin');
  return { h, app };
}

describe('authz.bfla', () => {
  it('reports a normal user listing and deleting accounts through the internal API', async () => {
    const { h, app } = await explored('vulnerable');
    const found = await h.run(bflaCheck);
    expect(found.map((f) => f.location).sort()).toEqual(['DELETE /v1/internal/accounts/{userId}', 'GET /v1/internal/accounts']);
    expect(found.find((f) => f.location.startsWith('GET'))?.detail).toMatch(/alice \(role user\).*internal/);
    // No object can be made for the test here: the delete is asked for a missing account, and no
    // existing account is deleted.
    expect(found.find((f) => f.location.startsWith('DELETE'))?.detail).toMatch(/does not exist.*Nothing was deleted/);
    expect(app.state.accounts.size).toBe(5);
  });

  it('stays silent when the internal API answers 403 to normal users, and deletes nothing', async () => {
    const { h, app } = await explored('fixed');
    expect(await h.run(bflaCheck)).toEqual([]);
    expect(app.state.accounts.size).toBe(5);
  });

  it('only tries reading operations in safe mode', async () => {
    const { h, app } = await explored('vulnerable', true);
    const found = await h.run(bflaCheck);
    expect(found.map((f) => f.location)).toEqual(['GET /v1/internal/accounts']);
    expect(app.state.accounts.size).toBe(5);
    expect(h.client.stats.refused).toBe(0);
  });

  it('recognises administrators’ operations by path, tag, name or description, and not ordinary ones', () => {
    expect(adminHint(operation('GET', '/api/admin/users'))).toMatch(/path/);
    expect(adminHint(operation('GET', '/x', { tags: ['Administration'] }))).toMatch(/tag/);
    expect(adminHint(operation('POST', '/x', { id: 'manageUsers' }))).toMatch(/name/);
    expect(adminHint(operation('DELETE', '/users/{id}', { summary: 'Deletes a user (administrators only)' }))).toMatch(/description/);
    expect(adminHint(operation('GET', '/api/orders', { summary: 'Manage your own orders' }))).toBeUndefined();
    expect(adminHint(operation('GET', '/api/administrative-areas', { id: 'listAreas' }))).toBeUndefined();
  });
});
