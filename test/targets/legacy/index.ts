/**
 * A deliberately vulnerable "legacy" notes API and its fixed twin, for the tests of `herd scan`,
 * in a style unlike the REST target's: Swagger 2.0 at /swagger.json with basePath /api, a cookie
 * session set by a form-encoded login, string identifiers (usernames, note slugs) and an
 * in-memory SQLite database. Both variants serve the same routes, spec, users and data; the
 * vulnerable one has the flaws in LEGACY_VULNERABILITIES (README.md says how to exploit each).
 * Listens on 127.0.0.1 only.
 */
import { rmSync } from 'node:fs';
import { systemClock } from '../kit/clock.js';
import { seedWorkDir } from '../kit/files.js';
import { createLoginLimiter } from '../kit/login-limiter.js';
import { listenOnLoopback, targetServer } from '../kit/server.js';
import type { RunningTarget, TargetVariant } from '../types.js';
import { registerAccountRoutes } from './account-routes.js';
import type { Clock, LegacyContext } from './context.js';
import { openLegacyDb, LEGACY_USERS } from './db.js';
import { BODY_LIMIT, frameworkErrors, registerHttpConfig } from './http-config.js';
import { registerNoteRoutes } from './note-routes.js';
import { swaggerDocument } from './swagger.js';
import { registerToolRoutes } from './tool-routes.js';
import { LEGACY_VULNERABILITIES } from './vulnerabilities.js';

export { LEGACY_VULNERABILITIES } from './vulnerabilities.js';
export { LEGACY_USERS } from './db.js';
export type { Clock } from './context.js';

export interface LegacyTargetOptions {
  /** Clock for the login limiter's window, sessions and audit times (default: the system clock). */
  clock?: Clock;
}

const EXPORTS: Readonly<Record<string, string>> = {
  'notes.csv': 'slug,owner,title\ncarol-groceries-3f9a,carol,Groceries\ndave-gift-ideas-c04e,dave,Gift ideas\n',
  'README.txt': 'Nightly exports of the notes service. Files here are regenerated at 02:00.\n',
};

export async function startLegacyTarget(variant: TargetVariant, options: LegacyTargetOptions = {}): Promise<RunningTarget> {
  const vulnerable = variant === 'vulnerable';
  const clock = options.clock ?? systemClock;
  const { workDir, dir: exportDir } = seedWorkDir('herd-legacy-target-', 'exports', EXPORTS);

  const db = openLegacyDb();
  const ctx: LegacyContext = { vulnerable, clock, db, loginLimiter: createLoginLimiter(clock), exportDir, avatarHosts: ['avatars.example.com'] };
  const cleanup = (): void => {
    db.close();
    rmSync(workDir, { recursive: true, force: true });
  };

  const app = targetServer({ bodyLimit: BODY_LIMIT, frameworkErrors: frameworkErrors(ctx) });
  registerHttpConfig(app, ctx);
  registerAccountRoutes(app, ctx);
  registerNoteRoutes(app, ctx);
  registerToolRoutes(app, ctx);

  let specJson = '';
  app.get('/swagger.json', async (_req, reply) => reply.type('application/json').send(specJson));

  const { url, close } = await listenOnLoopback(app, { cleanup });
  specJson = JSON.stringify(swaggerDocument(url));

  return {
    url,
    variant,
    users: LEGACY_USERS,
    vulnerabilities: vulnerable ? LEGACY_VULNERABILITIES : [],
    specPath: '/swagger.json',
    // There is no token: the login sets the sid cookie, so a scanner logs in with `use: cookie`.
    login: { method: 'POST', path: '/api/session', body: { username: '{username}', password: '{password}' }, tokenPath: 'token' },
    close,
  };
}
