import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem, badRequest, currentUser, notFound, objectBody, own, queryText, requireUser, textField, type LegacyContext } from './context.js';
import type { NoteRow, UserRow } from './db.js';

/**
 * Notes, addressed by slug (`carol-groceries-3f9a`). Flaws on the vulnerable variant: reading and
 * replacing a note skip the owner check (BOLA), the list answers everyone's notes when no cookie is
 * sent, and a malformed `limit` throws into the error handler that prints the stack.
 */

const SLUG = /^[a-z0-9_-]{1,100}$/;
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

function view(note: NoteRow): Record<string, string> {
  return { slug: note.slug, owner: note.owner, title: note.title, body: note.body, updatedAt: note.updated_at };
}

function limitOf(ctx: LegacyContext, req: FastifyRequest): number {
  const raw = queryText(req, 'limit', 32);
  if (raw === undefined) return DEFAULT_LIMIT;
  let value: number;
  if (ctx.vulnerable) {
    // The legacy parser: BigInt throws a SyntaxError on "abc", and nothing catches it.
    value = Number(BigInt(raw));
  } else {
    if (!/^\d{1,9}$/.test(raw)) throw badRequest(`limit must be an integer from 1 to ${MAX_LIMIT}`);
    value = Number(raw);
  }
  if (value < 1 || value > MAX_LIMIT) throw badRequest(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  return value;
}

function noteFields(req: FastifyRequest): { title: string; body: string } {
  const body = objectBody(req);
  const text = own(body, 'body');
  if (text !== undefined && (typeof text !== 'string' || text.length > 10_000)) throw badRequest('body must be a string of at most 10000 characters');
  return { title: textField(body, 'title', 1, 120), body: typeof text === 'string' ? text : '' };
}

/** The note at this slug if `user` may see it (the vulnerable variant does not ask whose it is). */
function reachableNote(ctx: LegacyContext, req: FastifyRequest, user: UserRow, checkOwner: boolean): NoteRow {
  const { slug } = req.params as { slug: string };
  const note = SLUG.test(slug) ? ctx.db.note(slug) : undefined;
  if (note === undefined || (checkOwner && note.owner !== user.username)) throw notFound('no note with this slug');
  return note;
}

export function registerNoteRoutes(app: FastifyInstance, ctx: LegacyContext): void {
  app.get('/api/notes', async (req) => {
    const user = ctx.vulnerable ? currentUser(ctx, req) : requireUser(ctx, req);
    const limit = limitOf(ctx, req);
    // The flaw (vulnerable): no session means "no filter", so every user's notes come back.
    const notes = user === null ? ctx.db.allNotes(limit) : ctx.db.notesOf(user.username, limit);
    return { items: notes.map(view) };
  });

  app.post('/api/notes', async (req, reply) => {
    const user = requireUser(ctx, req);
    const { title, body } = noteFields(req);
    const note = ctx.db.createNote(user.username, title, body, ctx.clock.now());
    if (note === null) throw new HttpProblem(507, 'Insufficient Storage', 'this server holds no more notes; delete some first');
    ctx.db.audit(user.username, 'note.create', note.slug, ctx.clock.now());
    return reply.code(201).send(view(note));
  });

  app.get('/api/notes/:slug', async (req) => {
    const user = requireUser(ctx, req);
    return view(reachableNote(ctx, req, user, !ctx.vulnerable));
  });

  app.put('/api/notes/:slug', async (req) => {
    const user = requireUser(ctx, req);
    const note = reachableNote(ctx, req, user, !ctx.vulnerable);
    const { title, body } = noteFields(req);
    const updated = ctx.db.updateNote(note.slug, title, body, ctx.clock.now());
    if (updated === undefined) throw notFound('no note with this slug');
    ctx.db.audit(user.username, 'note.update', note.slug, ctx.clock.now());
    return view(updated);
  });

  app.delete('/api/notes/:slug', async (req, reply) => {
    const user = requireUser(ctx, req);
    const note = reachableNote(ctx, req, user, true);
    ctx.db.deleteNote(note.slug);
    ctx.db.audit(user.username, 'note.delete', note.slug, ctx.clock.now());
    return reply.code(204).send();
  });
}
