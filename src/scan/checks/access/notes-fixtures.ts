/**
 * A small notes API for the access checks' tests, in a vulnerable and a fixed variant that differ
 * only in the flaws the checks look for. Names differ on purpose from herd's test targets (notes,
 * authorId, /internal, /session, credits…) so the checks are shown to work on names they were not
 * written for. Tokens are opaque strings (`tok-alice-…`); the JWT tests have their own app.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiOperation } from '../../model.js';
import { bearerOf, jsonBody, operation, restApi, serve, type Served } from './test-kit.js';

export type Variant = 'vulnerable' | 'fixed';

interface Account {
  id: string;
  username: string;
  email: string;
  displayName: string;
  role: string;
  credits: number;
  passwordHash: string;
  apiKey: string;
  [extra: string]: unknown;
}

interface Note {
  id: number;
  authorId: string;
  title: string;
  body: string;
}

export const NOTE_TOKENS: Readonly<Record<string, string>> = { alice: 'tok-alice-7f3a9c21', bob: 'tok-bob-5e8d1b04', admin: 'tok-admin-c2f6a917' };

function seed(): { accounts: Map<string, Account>; notes: Map<number, Note>; nextNote: number } {
  const accounts = new Map<string, Account>();
  const people = [
    ['acc-1', 'alice', 'user'],
    ['acc-2', 'bob', 'user'],
    ['acc-3', 'admin', 'admin'],
    ['acc-4', 'carol', 'user'],
    ['acc-5', 'dave', 'user'],
  ] as const;
  for (const [id, username, role] of people) {
    accounts.set(id, {
      id,
      username,
      email: `${username}@notes.example`,
      displayName: username.toUpperCase(),
      role,
      credits: 10,
      passwordHash: `$2b$12$${'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0'.slice(0, 53)}`,
      apiKey: `nk_live_${username}0123456789abcdef`,
    });
  }
  const notes = new Map<number, Note>();
  let n = 1;
  for (const owner of ['acc-1', 'acc-2', 'acc-3', 'acc-1', 'acc-2']) {
    notes.set(n, { id: n, authorId: owner, title: `note ${n}`, body: `private text ${n}` });
    n++;
  }
  return { accounts, notes, nextNote: n };
}

const selfView = (a: Account) => ({ id: a.id, username: a.username, email: a.email, displayName: a.displayName, role: a.role, credits: a.credits });

export async function startNotesApp(variant: Variant): Promise<Served & { state: ReturnType<typeof seed> }> {
  const state = seed();
  const vulnerable = variant === 'vulnerable';
  const failures = new Map<string, number>();
  const caller = (headers: Record<string, string | string[] | undefined>): Account | undefined => {
    const token = bearerOf(headers);
    const name = Object.entries(NOTE_TOKENS).find(([, t]) => t === token)?.[0];
    return [...state.accounts.values()].find((a) => a.username === name);
  };
  const deny = (reply: FastifyReply, code: number) => reply.code(code).send({ error: code === 401 ? 'unauthorized' : code === 403 ? 'forbidden' : 'not found' });

  const served = await serve((app: FastifyInstance) => {
    app.post('/v1/session', async (req, reply) => {
      const body = (req.body ?? {}) as { login?: unknown; password?: unknown };
      const login = String(body.login ?? '');
      if (!vulnerable && (failures.get(login) ?? 0) >= 5) return reply.code(429).header('retry-after', '60').send({ error: 'too many attempts' });
      if (NOTE_TOKENS[login] !== undefined && body.password === `${login}-pw`) return { accessToken: NOTE_TOKENS[login] };
      failures.set(login, (failures.get(login) ?? 0) + 1);
      return reply.code(401).send({ error: 'invalid credentials' });
    });
    app.get('/v1/me', async (req, reply) => {
      const me = caller(req.headers);
      if (me === undefined) return deny(reply, 401);
      return vulnerable ? me : selfView(me);
    });
    app.patch('/v1/me', async (req, reply) => {
      const me = caller(req.headers);
      if (me === undefined) return deny(reply, 401);
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (vulnerable) {
        for (const [k, v] of Object.entries(body)) if (k !== 'id') me[k] = v;
      } else if (typeof body.displayName === 'string') {
        me.displayName = body.displayName;
      }
      return selfView(me);
    });
    app.get('/v1/profiles/:userId', async (req, reply) => {
      if (caller(req.headers) === undefined) return deny(reply, 401);
      const a = state.accounts.get((req.params as { userId: string }).userId);
      return a === undefined ? deny(reply, 404) : { id: a.id, displayName: a.displayName };
    });
    app.get('/v1/catalog/:itemId', async (req) => ({ id: Number((req.params as { itemId: string }).itemId), name: 'public item', price: 3 }));
    app.get('/v1/notes', async (req, reply) => {
      const me = caller(req.headers);
      if (me === undefined) return deny(reply, 401);
      return { data: [...state.notes.values()].filter((n) => n.authorId === me.id) };
    });
    app.post('/v1/notes', async (req, reply) => {
      const me = caller(req.headers);
      if (me === undefined) return deny(reply, 401);
      const body = (req.body ?? {}) as { title?: unknown; body?: unknown };
      const note: Note = { id: state.nextNote++, authorId: me.id, title: String(body.title ?? 'untitled'), body: String(body.body ?? '') };
      state.notes.set(note.id, note);
      return reply.code(201).send(note);
    });
    const noteFor = (req: { headers: Record<string, string | string[] | undefined>; params: unknown }, reply: FastifyReply): Note | undefined => {
      const me = caller(req.headers);
      if (me === undefined) {
        void deny(reply, 401);
        return undefined;
      }
      const note = state.notes.get(Number((req.params as { noteId: string }).noteId));
      if (note === undefined || (!vulnerable && note.authorId !== me.id)) {
        void deny(reply, 404);
        return undefined;
      }
      return note;
    };
    app.get('/v1/notes/:noteId', async (req, reply) => noteFor(req, reply) ?? reply);
    app.put('/v1/notes/:noteId', async (req, reply) => {
      const note = noteFor(req, reply);
      if (note === undefined) return reply;
      const body = (req.body ?? {}) as { title?: unknown; body?: unknown };
      note.title = String(body.title ?? note.title);
      note.body = String(body.body ?? note.body);
      return note;
    });
    app.delete('/v1/notes/:noteId', async (req, reply) => {
      const note = noteFor(req, reply);
      if (note === undefined) return reply;
      state.notes.delete(note.id);
      return reply.code(204).send();
    });
    const adminOnly = (headers: Record<string, string | string[] | undefined>, reply: FastifyReply): boolean => {
      const me = caller(headers);
      if (me === undefined) return void deny(reply, 401), false;
      if (!vulnerable && me.role !== 'admin') return void deny(reply, 403), false;
      return true;
    };
    app.get('/v1/internal/accounts', async (req, reply) => (adminOnly(req.headers, reply) ? { accounts: [...state.accounts.values()].map(selfView) } : reply));
    app.delete('/v1/internal/accounts/:userId', async (req, reply) => {
      if (!adminOnly(req.headers, reply)) return reply;
      const id = (req.params as { userId: string }).userId;
      if (!state.accounts.delete(id)) return deny(reply, 404);
      return reply.code(204).send();
    });
    app.get('/v1/reports', async (req, reply) => {
      const me = caller(req.headers);
      if (me === undefined && !vulnerable) return deny(reply, 401);
      const rows = [...state.notes.values()].map((n) => ({ noteId: n.id, words: n.body.split(' ').length, authorId: n.authorId }));
      return { rows: me === undefined ? rows : rows.filter((r) => r.authorId === me.id) };
    });
  });
  return { ...served, state };
}

const ACCOUNT_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string', readOnly: true },
    username: { type: 'string', readOnly: true },
    email: { type: 'string', format: 'email' },
    displayName: { type: 'string', maxLength: 80 },
    role: { type: 'string', enum: ['user', 'admin'], readOnly: true },
    credits: { type: 'integer', readOnly: true },
  },
};
const NOTE_INPUT = { type: 'object', required: ['title'], properties: { title: { type: 'string', maxLength: 100 }, body: { type: 'string' } } };
const NOTE = { type: 'object', properties: { id: { type: 'integer', readOnly: true }, authorId: { type: 'string', readOnly: true }, title: { type: 'string' }, body: { type: 'string' } } };
const ok = (schema: Record<string, unknown>) => [{ status: '200', contentType: 'application/json', schema }];

export const NOTES_OPS = {
  session: operation('POST', '/v1/session', {
    id: 'createSession',
    requiresAuth: false,
    requestBody: jsonBody({ type: 'object', required: ['login', 'password'], properties: { login: { type: 'string' }, password: { type: 'string', format: 'password' } } }),
  }),
  me: operation('GET', '/v1/me', { id: 'getMe', responses: ok(ACCOUNT_SCHEMA) }),
  updateMe: operation('PATCH', '/v1/me', {
    id: 'updateMe',
    requestBody: jsonBody({ type: 'object', properties: { displayName: { type: 'string', maxLength: 80 } } }),
    responses: ok(ACCOUNT_SCHEMA),
  }),
  profile: operation('GET', '/v1/profiles/{userId}', { id: 'getProfile' }),
  catalog: operation('GET', '/v1/catalog/{itemId}', { id: 'getItem', requiresAuth: false }),
  notes: operation('GET', '/v1/notes', { id: 'listNotes', summary: "The caller's notes" }),
  createNote: operation('POST', '/v1/notes', { id: 'createNote', requestBody: jsonBody(NOTE_INPUT), responses: [{ status: '201', schema: NOTE }] }),
  note: operation('GET', '/v1/notes/{noteId}', { id: 'getNote', responses: ok(NOTE) }),
  replaceNote: operation('PUT', '/v1/notes/{noteId}', { id: 'replaceNote', requestBody: jsonBody(NOTE_INPUT), responses: ok(NOTE) }),
  deleteNote: operation('DELETE', '/v1/notes/{noteId}', { id: 'deleteNote', responses: [{ status: '204' }] }),
  accounts: operation('GET', '/v1/internal/accounts', { id: 'listAccounts', tags: ['internal'] }),
  deleteAccount: operation('DELETE', '/v1/internal/accounts/{userId}', { id: 'removeAccount', tags: ['internal'], responses: [{ status: '204' }] }),
  reports: operation('GET', '/v1/reports', { id: 'listReports' }),
} satisfies Record<string, ApiOperation>;

export const NOTES_API = restApi(Object.values(NOTES_OPS));
