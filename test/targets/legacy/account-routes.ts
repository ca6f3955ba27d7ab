import type { FastifyInstance } from 'fastify';
import { EMAIL, HttpProblem, SESSION_COOKIE, badRequest, currentUser, forbidden, notFound, objectBody, own, requireUser, textField, type LegacyContext } from './context.js';
import { MAX_USERS, USER_COLUMNS, passwordMatches, type UserColumn, type UserRow } from './db.js';

/**
 * Sign-up, login (a form post that sets the `sid` cookie) and profiles addressed by username.
 * Flaws on the vulnerable variant: the profile lookup concatenates the username into SQL and
 * returns the whole row (password hash, session secret); the profile update writes every column
 * the body names (is_admin included); logins are not rate limited.
 */

const USERNAME = /^[a-z][a-z0-9_]{2,31}$/;
/** Usernames a path may carry on the fixed twin; the lookup binds it anyway. */
const PATH_USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;
/**
 * Safety belt of the vulnerable lookup: better-sqlite3 cannot interrupt a query, so payloads that
 * could run for minutes (joins, recursive CTEs, big blobs, several subqueries) are refused as an
 * unknown user. Quotes, OR-tautologies, comments and UNION SELECT still reach the database.
 */
function tooHeavy(raw: string): boolean {
  if (/\b(join|with|recursive|randomblob|zeroblob|printf|format)\b/i.test(raw)) return true;
  if ((raw.match(/\bselect\b/gi)?.length ?? 0) > 2) return true;
  return /\bfrom\b[^]*,/i.test(raw);
}

/** The profile as the fixed twin shows it: username and display name, email only to its owner. */
function profile(row: UserRow, viewer: UserRow | null): Record<string, string> {
  const shown: Record<string, string> = { username: row.username, displayName: row.display_name };
  if (viewer !== null && viewer.username === row.username) shown.email = row.email;
  return shown;
}

/** The vulnerable view: the row as the legacy code selected it, secrets included. */
function rawProfile(row: { readonly [K in keyof UserRow]?: unknown }): Record<string, unknown> {
  return {
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    password_hash: row.password_hash,
    session_secret: row.session_secret,
    role: row.role,
    is_admin: row.is_admin === 1 || row.is_admin === '1' || row.is_admin === true,
  };
}

function credentials(body: Record<string, unknown>): { username: string; password: string } {
  const username = own(body, 'username');
  const password = own(body, 'password');
  if (typeof username !== 'string' || typeof password !== 'string' || username.length > 200 || password.length > 200) {
    throw badRequest('send username and password as form fields of at most 200 characters');
  }
  return { username, password };
}

/** What a profile update may change on the vulnerable variant: every column the body names. */
function vulnerableChanges(body: Record<string, unknown>): Partial<Record<UserColumn, string | number>> {
  const changes: Partial<Record<UserColumn, string | number>> = {};
  const named: Record<string, unknown> = { ...body };
  if (Object.hasOwn(body, 'displayName')) named.display_name = body.displayName;
  for (const column of USER_COLUMNS) {
    if (!Object.hasOwn(named, column)) continue;
    const value = named[column];
    if (column === 'is_admin') changes.is_admin = value === true || value === 1 || value === 'true' || value === '1' ? 1 : 0;
    else if (typeof value === 'string' && value.length <= 200) changes[column] = value;
  }
  return changes;
}

function fixedChanges(body: Record<string, unknown>): Partial<Record<UserColumn, string>> {
  const changes: Partial<Record<UserColumn, string>> = {};
  if (own(body, 'displayName') !== undefined) changes.display_name = textField(body, 'displayName', 1, 80);
  if (own(body, 'email') !== undefined) {
    const email = textField(body, 'email', 3, 254);
    if (!EMAIL.test(email)) throw badRequest('email must be an email address');
    changes.email = email;
  }
  return changes;
}

export function registerAccountRoutes(app: FastifyInstance, ctx: LegacyContext): void {
  app.post('/api/session', async (req, reply) => {
    const { username, password } = credentials(objectBody(req));
    if (!ctx.vulnerable) {
      const wait = ctx.loginLimiter.retryAfter(username);
      if (wait > 0) throw new HttpProblem(429, 'Too Many Requests', `too many failed logins for this username; try again in ${wait} s`, { 'Retry-After': String(wait) });
    }
    const user = ctx.db.user(username);
    if (user === undefined || !passwordMatches(user, password)) {
      if (!ctx.vulnerable) ctx.loginLimiter.recordFailure(username);
      ctx.db.audit(username.slice(0, 64), 'login.failed', '', ctx.clock.now());
      throw new HttpProblem(401, 'Unauthorized', 'wrong username or password');
    }
    const sid = ctx.db.createSession(user.username, ctx.clock.now());
    ctx.db.audit(user.username, 'login', '', ctx.clock.now());
    return reply.header('set-cookie', `${SESSION_COOKIE}=${sid}; HttpOnly; Path=/`).send({ ok: true });
  });

  app.post('/api/users', async (req, reply) => {
    const body = objectBody(req);
    const username = textField(body, 'username', 3, 32);
    const email = textField(body, 'email', 3, 254);
    const password = textField(body, 'password', 8, 128);
    if (!USERNAME.test(username)) throw badRequest('username must be 3 to 32 lower-case letters, digits or _ and start with a letter');
    if (!EMAIL.test(email)) throw badRequest('email must be an email address');
    if (ctx.db.user(username) !== undefined) throw new HttpProblem(409, 'Conflict', 'this username is taken; choose another');
    if (ctx.db.userCount() >= MAX_USERS) throw forbidden(`sign-up is closed: this server holds at most ${MAX_USERS} accounts`);
    const row = ctx.db.createUser(username, email, password);
    ctx.db.audit(username, 'signup', '', ctx.clock.now());
    return reply.code(201).send({ username: row.username, displayName: row.display_name, email: row.email });
  });

  app.get('/api/users/:username', async (req) => {
    const { username } = req.params as { username: string };
    if (ctx.vulnerable) {
      const row = tooHeavy(username) ? undefined : ctx.db.lookupUserUnsafe(username);
      if (row === undefined) throw notFound('no user with this username');
      return rawProfile(row);
    }
    const row = PATH_USERNAME.test(username) ? ctx.db.user(username) : undefined;
    if (row === undefined) throw notFound('no user with this username');
    return profile(row, currentUser(ctx, req));
  });

  app.put('/api/users/:username', async (req) => {
    const caller = requireUser(ctx, req);
    const { username } = req.params as { username: string };
    if (username !== caller.username) {
      if (ctx.db.user(username.slice(0, 64)) === undefined) throw notFound('no user with this username');
      throw forbidden('you can only change your own profile');
    }
    const body = objectBody(req);
    const changes = ctx.vulnerable ? vulnerableChanges(body) : fixedChanges(body);
    if (changes.email !== undefined && (typeof changes.email !== 'string' || !EMAIL.test(changes.email))) throw badRequest('email must be an email address');
    if (changes.display_name !== undefined && (typeof changes.display_name !== 'string' || changes.display_name.length === 0 || changes.display_name.length > 80)) {
      throw badRequest('displayName must be a string of 1 to 80 characters');
    }
    const row = ctx.db.updateUser(caller.username, changes) ?? caller;
    ctx.db.audit(caller.username, 'profile.update', Object.keys(changes).join(','), ctx.clock.now());
    return ctx.vulnerable ? rawProfile(row) : profile(row, row);
  });
}
