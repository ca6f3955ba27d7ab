import { afterEach, describe, expect, it } from 'vitest';
import { bolaCheck } from './bola.js';
import { NOTES_API, NOTES_OPS as OPS, NOTE_TOKENS, startNotesApp, type Variant } from './notes-fixtures.js';
import { harness, USERS, type Harness } from './test-kit.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

/** The notes app and the samples an exploration would have gathered on it. */
async function explored(variant: Variant, safe = false): Promise<{ h: Harness; app: Awaited<ReturnType<typeof startNotesApp>> }> {
  const app = await startNotesApp(variant);
  open.push(app);
  const h = harness({ api: NOTES_API, baseUrl: app.baseUrl, users: USERS, tokens: NOTE_TOKENS, safe });
  for (const user of ['alice', 'bob']) {
    await h.sample(OPS.me, user);
    await h.sample(OPS.notes, user);
    await h.sample(OPS.catalog, user, { itemId: '7' });
  }
  await h.sample(OPS.note, 'alice', { noteId: '1' });
  await h.sample(OPS.note, 'bob', { noteId: '2' });
  await h.sample(OPS.profile, 'alice', { userId: 'acc-2' });
  await h.sample(OPS.profile, 'bob', { userId: 'acc-1' });
  if (!safe) await h.sample(OPS.createNote, 'alice', undefined, { title: 'from exploration', body: 'x' });
  return { h, app };
}

describe('authz.bola', () => {
  it("reports reading, replacing and deleting another user's note when ownership is not checked", async () => {
    const { h } = await explored('vulnerable');
    const found = await h.run(bolaCheck);
    expect(found.map((f) => f.location).sort()).toEqual(['DELETE /v1/notes/{noteId}', 'GET /v1/notes/{noteId}', 'PUT /v1/notes/{noteId}']);
    const read = found.find((f) => f.location.startsWith('GET'));
    expect(read?.detail).toMatch(/bob read alice's object/);
    expect(read?.evidence.some((e) => e.request.url.endsWith('/v1/notes/1') && e.response?.status === 200)).toBe(true);
  });

  it('does not report public catalogue items nor profiles every signed-in user may read', async () => {
    const { h } = await explored('vulnerable');
    const found = await h.run(bolaCheck);
    expect(found.filter((f) => /catalog|profiles/.test(f.location))).toEqual([]);
  });

  it('puts changed notes back and only deletes notes it created for the test', async () => {
    const { h, app } = await explored('vulnerable');
    const before = new Map([...app.state.notes].map(([id, n]) => [id, { ...n }]));
    await h.run(bolaCheck);
    for (const [id, note] of before) {
      if (note.title === 'from exploration') continue;
      expect(app.state.notes.get(id)).toEqual(note);
    }
  });

  it('stays silent on the fixed variant, which answers 404 for notes of other users', async () => {
    const { h, app } = await explored('fixed');
    const notes = app.state.notes.size;
    expect(await h.run(bolaCheck)).toEqual([]);
    // The objects it made for the write tests are cleaned up.
    expect(app.state.notes.size).toBe(notes);
  });

  it('only reads in safe mode', async () => {
    const { h } = await explored('vulnerable', true);
    const found = await h.run(bolaCheck);
    expect(found.map((f) => f.location)).toEqual(['GET /v1/notes/{noteId}']);
    expect(h.client.stats.refused).toBe(0);
  });

  it('needs two normal users and says so', async () => {
    const { h } = await explored('vulnerable');
    const single = { ...h.ctx, users: USERS.filter((u) => u.name !== 'bob') };
    await bolaCheck.run(single);
    expect(h.findings).toEqual([]);
    expect(h.logs.join('\n')).toMatch(/two users/);
  });
});
