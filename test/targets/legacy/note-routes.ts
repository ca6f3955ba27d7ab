import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem, badRequest, currentUser, notFound, objectBody, own, queryText, requireUser, textField, type LegacyContext } from './context.js';
import type { NoteRow, UserRow } from './db.js';
import { xmlFields } from './xml-notes.js';

/**
 * Notes, addressed by slug (`carol-groceries-3f9a`), and the XML import. Flaws on the vulnerable
 * variant: reading and replacing a note skip the owner check (BOLA), the list answers everyone's
 * notes when no cookie is sent, a malformed `limit` throws into the error handler that prints the
 * stack, and XML bodies (the import, and note creation, which still takes the old XML format) are
 * parsed with external entities resolved (XXE).
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

function noteInput(body: Record<string, unknown>): { title: string; body: string } {
  const text = own(body, 'body');
  if (text !== undefined && (typeof text !== 'string' || text.length > 10_000)) throw badRequest('body must be a string of at most 10000 characters');
  return { title: textField(body, 'title', 1, 120), body: typeof text === 'string' ? text : '' };
}

function noteFields(req: FastifyRequest): { title: string; body: string } {
  return noteInput(objectBody(req));
}

const isXmlBody = (req: FastifyRequest): boolean => typeof req.body === 'string' && /(^|[/+])xml\s*(;|$)/i.test(req.headers['content-type'] ?? '');

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

  const create = (user: UserRow, fields: { title: string; body: string }, action: string): Record<string, string> => {
    const note = ctx.db.createNote(user.username, fields.title, fields.body, ctx.clock.now());
    if (note === null) throw new HttpProblem(507, 'Insufficient Storage', 'this server holds no more notes; delete some first');
    ctx.db.audit(user.username, action, note.slug, ctx.clock.now());
    return view(note);
  };

  app.post('/api/notes', async (req, reply) => {
    const user = requireUser(ctx, req);
    // The flaw (vulnerable): the old XML format is still taken here, parsed with entities resolved.
    // The fixed twin takes form fields and JSON only (an XML body is a 400).
    const fields = ctx.vulnerable && isXmlBody(req) ? noteInput(await xmlFields(true, req.body as string)) : noteFields(req);
    return reply.code(201).send(create(user, fields, 'note.create'));
  });

  app.post('/api/notes/import', async (req, reply) => {
    const user = requireUser(ctx, req);
    if (!isXmlBody(req)) throw new HttpProblem(415, 'Unsupported Media Type', 'send the note as application/xml: <note><title>…</title><body>…</body></note>');
    // The flaw (vulnerable): external entities are resolved; the fixed twin refuses any DOCTYPE.
    const fields = noteInput(await xmlFields(ctx.vulnerable, req.body as string, 'note'));
    return reply.code(201).send(create(user, fields, 'note.import'));
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
