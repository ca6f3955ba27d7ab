import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';
import type { TargetUser } from '../types.js';

/**
 * The legacy target's data in an in-memory SQLite database (better-sqlite3): users, sessions,
 * notes and an audit log. Every query here binds its parameters; the one deliberately concatenated
 * query lives in `lookupUserUnsafe` and is only called by the vulnerable variant.
 */

export const LEGACY_USERS: readonly TargetUser[] = [
  { name: 'carol', username: 'carol', password: 'carol-garden-4821', role: 'user' },
  { name: 'dave', username: 'dave', password: 'dave-harbour-7310', role: 'user' },
  { name: 'root', username: 'root', password: 'root-lantern-9057', role: 'admin' },
];

const DISPLAY_NAMES: Readonly<Record<string, string>> = { carol: 'Carol Jones', dave: 'Dave Miller', root: 'Site Administrator' };

const SEED_NOTES: ReadonlyArray<{ slug: string; owner: string; title: string; body: string }> = [
  { slug: 'carol-groceries-3f9a', owner: 'carol', title: 'Groceries', body: 'milk, eggs, rye bread, lemons' },
  { slug: 'carol-dentist-81c2', owner: 'carol', title: 'Dentist', body: 'Tuesday 9:30, bring the insurance card' },
  { slug: 'dave-wifi-password-5b17', owner: 'dave', title: 'Wi-Fi password', body: 'home network: harbour-lights-2291' },
  { slug: 'dave-gift-ideas-c04e', owner: 'dave', title: 'Gift ideas', body: 'a kite for Sam, a cookbook for Ann' },
  { slug: 'root-backup-keys-9d3a', owner: 'root', title: 'Backup keys', body: 'offsite vault code 7781-4410' },
];

/** Accounts at most (sign-ups beyond are refused): keeps the tables, and any injected query over them, small. */
export const MAX_USERS = 500;
const MAX_SESSIONS = 5_000;
const MAX_NOTES = 5_000;
const MAX_AUDIT = 2_000;

export interface UserRow {
  username: string;
  display_name: string;
  email: string;
  password_hash: string;
  session_secret: string;
  role: string;
  is_admin: number;
}

export interface NoteRow {
  slug: string;
  owner: string;
  title: string;
  body: string;
  updated_at: string;
}

export interface AuditRow {
  at: string;
  actor: string;
  action: string;
  detail: string;
}

/** Columns of `users` a profile update may name (the vulnerable variant writes any of them). */
export const USER_COLUMNS = ['display_name', 'email', 'password_hash', 'session_secret', 'role', 'is_admin'] as const;
export type UserColumn = (typeof USER_COLUMNS)[number];

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export function passwordMatches(row: UserRow, password: string): boolean {
  const a = Buffer.from(sha256(password), 'hex');
  const b = Buffer.from(row.password_hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface LegacyDb {
  user(username: string): UserRow | undefined;
  /** The vulnerable lookup: the username is pasted into the SQL text. Throws SQLite errors. */
  lookupUserUnsafe(username: string): Record<string, unknown> | undefined;
  userCount(): number;
  createUser(username: string, email: string, password: string): UserRow;
  updateUser(username: string, changes: Partial<Record<UserColumn, string | number>>): UserRow | undefined;
  createSession(username: string, now: number): string;
  sessionUser(sid: string): UserRow | undefined;
  notesOf(owner: string, limit: number): NoteRow[];
  allNotes(limit: number): NoteRow[];
  note(slug: string): NoteRow | undefined;
  createNote(owner: string, title: string, body: string, now: number): NoteRow | null;
  updateNote(slug: string, title: string, body: string, now: number): NoteRow | undefined;
  deleteNote(slug: string): boolean;
  audit(actor: string, action: string, detail: string, now: number): void;
  auditLog(limit: number): AuditRow[];
  close(): void;
}

function slugify(title: string): string {
  const base = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  return base === '' ? 'note' : base;
}

export function openLegacyDb(): LegacyDb {
  const db = new Database(':memory:');
  db.exec(`
    CREATE TABLE users (
      username TEXT PRIMARY KEY, display_name TEXT NOT NULL, email TEXT NOT NULL,
      password_hash TEXT NOT NULL, session_secret TEXT NOT NULL, role TEXT NOT NULL DEFAULT 'user',
      is_admin INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE sessions (sid TEXT PRIMARY KEY, username TEXT NOT NULL REFERENCES users(username), created_at INTEGER NOT NULL);
    CREATE TABLE notes (slug TEXT PRIMARY KEY, owner TEXT NOT NULL REFERENCES users(username), title TEXT NOT NULL,
      body TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE INDEX notes_owner ON notes(owner);
    CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
  `);

  const insertUser = db.prepare('INSERT INTO users (username, display_name, email, password_hash, session_secret, role, is_admin) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const selectUser = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?');
  const countUsers = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users');
  const insertSession = db.prepare('INSERT INTO sessions (sid, username, created_at) VALUES (?, ?, ?)');
  const trimSessions = db.prepare(`DELETE FROM sessions WHERE sid IN (SELECT sid FROM sessions ORDER BY created_at, rowid LIMIT max(0, (SELECT count(*) FROM sessions) - ${MAX_SESSIONS}))`);
  const selectSessionUser = db.prepare<[string], UserRow>('SELECT users.* FROM sessions JOIN users USING (username) WHERE sessions.sid = ?');
  const selectNotesOf = db.prepare<[string, number], NoteRow>('SELECT * FROM notes WHERE owner = ? ORDER BY rowid LIMIT ?');
  const selectAllNotes = db.prepare<[number], NoteRow>('SELECT * FROM notes ORDER BY rowid LIMIT ?');
  const selectNote = db.prepare<[string], NoteRow>('SELECT * FROM notes WHERE slug = ?');
  const countNotes = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM notes');
  const insertNote = db.prepare('INSERT INTO notes (slug, owner, title, body, updated_at) VALUES (?, ?, ?, ?, ?)');
  const changeNote = db.prepare('UPDATE notes SET title = ?, body = ?, updated_at = ? WHERE slug = ?');
  const removeNote = db.prepare('DELETE FROM notes WHERE slug = ?');
  const insertAudit = db.prepare('INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)');
  const trimAudit = db.prepare(`DELETE FROM audit WHERE id <= (SELECT max(id) FROM audit) - ${MAX_AUDIT}`);
  const selectAudit = db.prepare<[number], AuditRow>('SELECT at, actor, action, detail FROM audit ORDER BY id DESC LIMIT ?');
  const updateStatements = new Map(USER_COLUMNS.map((c) => [c, db.prepare(`UPDATE users SET ${c} = ? WHERE username = ?`)]));

  const iso = (now: number): string => new Date(now).toISOString();

  const seed = db.transaction(() => {
    for (const u of LEGACY_USERS) {
      insertUser.run(u.username, DISPLAY_NAMES[u.username] ?? u.username, `${u.username}@notes.example.org`, sha256(u.password), randomBytes(16).toString('hex'), u.role, u.role === 'admin' ? 1 : 0);
    }
    for (const n of SEED_NOTES) insertNote.run(n.slug, n.owner, n.title, n.body, '2024-03-01T09:00:00.000Z');
  });
  seed();

  return {
    user: (username) => selectUser.get(username),
    lookupUserUnsafe(username) {
      // The flaw (vulnerable variant only): string concatenation instead of a bound parameter.
      const sql = `SELECT username, display_name, email, password_hash, session_secret, role, is_admin FROM users WHERE username = '${username}'`;
      return db.prepare(sql).get() as Record<string, unknown> | undefined;
    },
    userCount: () => countUsers.get()?.n ?? 0,
    createUser(username, email, password) {
      insertUser.run(username, username, email, sha256(password), randomBytes(16).toString('hex'), 'user', 0);
      return selectUser.get(username) as UserRow;
    },
    updateUser(username, changes) {
      db.transaction(() => {
        for (const column of USER_COLUMNS) {
          const value = changes[column];
          if (value !== undefined) updateStatements.get(column)?.run(value, username);
        }
      })();
      return selectUser.get(username);
    },
    createSession(username, now) {
      const sid = randomBytes(24).toString('base64url');
      insertSession.run(sid, username, now);
      trimSessions.run();
      return sid;
    },
    sessionUser: (sid) => selectSessionUser.get(sid),
    notesOf: (owner, limit) => selectNotesOf.all(owner, limit),
    allNotes: (limit) => selectAllNotes.all(limit),
    note: (slug) => selectNote.get(slug),
    createNote(owner, title, body, now) {
      if ((countNotes.get()?.n ?? 0) >= MAX_NOTES) return null;
      let slug = '';
      do slug = `${owner}-${slugify(title)}-${randomBytes(2).toString('hex')}`;
      while (selectNote.get(slug) !== undefined);
      insertNote.run(slug, owner, title, body, iso(now));
      return selectNote.get(slug) ?? null;
    },
    updateNote(slug, title, body, now) {
      changeNote.run(title, body, iso(now), slug);
      return selectNote.get(slug);
    },
    deleteNote: (slug) => removeNote.run(slug).changes > 0,
    audit(actor, action, detail, now) {
      insertAudit.run(iso(now), actor, action, detail.slice(0, 200));
      trimAudit.run();
    },
    auditLog: (limit) => selectAudit.all(limit),
    close: () => db.close(),
  };
}
