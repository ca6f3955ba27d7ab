/**
 * A deliberately vulnerable REST API (a small web shop) and its fixed twin, for the tests of
 * `herd scan`. Both variants serve the same routes, spec (/openapi.json), users and data; the
 * vulnerable one has the flaws listed in REST_VULNERABILITIES (README.md says how to exploit
 * each), the fixed one has none of them. Listens on 127.0.0.1 only.
 */
import { rmSync } from 'node:fs';
import { systemClock } from '../kit/clock.js';
import { seedWorkDir } from '../kit/files.js';
import { createLoginLimiter } from '../kit/login-limiter.js';
import { listenOnLoopback, targetServer } from '../kit/server.js';
import type { RunningTarget, TargetVariant } from '../types.js';
import type { RestContext } from './context.js';
import { registerHttpConfig } from './http-config.js';
import { openApiDocument } from './openapi.js';
import { registerOrderRoutes } from './order-routes.js';
import { openProductsDb } from './products-db.js';
import { registerProductRoutes } from './product-routes.js';
import { REST_USERS, seedState } from './state.js';
import { fixedTokens, vulnerableTokens, type Clock } from './tokens.js';
import { registerToolRoutes } from './tool-routes.js';
import { registerUserRoutes } from './user-routes.js';
import { REST_VULNERABILITIES } from './vulnerabilities.js';

export { REST_VULNERABILITIES } from './vulnerabilities.js';
export { REST_USERS } from './state.js';
export { WEAK_JWT_SECRET } from './tokens.js';
export type { Clock } from './tokens.js';

export interface RestTargetOptions {
  /** Clock for token issue and expiry and the login limiter's window (default: the system clock). */
  clock?: Clock;
}

const DOCS: Readonly<Record<string, string>> = {
  'welcome.txt': 'Welcome to the Example Shop.\nOrders ship within two working days.\n',
  'shipping-policy.txt': 'Shipping is free above 50 EUR. Parcels are tracked.\n',
  'returns.md': '# Returns\n\nReturn any item within 30 days for a full refund.\n',
};

export async function startRestTarget(variant: TargetVariant, options: RestTargetOptions = {}): Promise<RunningTarget> {
  const vulnerable = variant === 'vulnerable';
  const clock = options.clock ?? systemClock;
  const { workDir, dir: docsDir } = seedWorkDir('herd-rest-target-', 'docs', DOCS);

  const products = openProductsDb(vulnerable);
  const ctx: RestContext = {
    vulnerable,
    clock,
    state: seedState((id) => products.price(id)),
    products,
    tokens: vulnerable ? vulnerableTokens(clock) : fixedTokens(clock),
    loginLimiter: createLoginLimiter(clock),
    workDir,
    docsDir,
    children: new Set(),
    webhookHosts: ['hooks.example.com'],
  };

  const app = targetServer();
  registerHttpConfig(app, ctx);
  registerUserRoutes(app, ctx);
  registerOrderRoutes(app, ctx);
  registerProductRoutes(app, ctx);
  registerToolRoutes(app, ctx);

  let specJson = '';
  app.get('/openapi.json', async (_req, reply) => reply.type('application/json').send(specJson));

  const killChildren = (): void => {
    for (const child of ctx.children) {
      if (child.pid === undefined) continue;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const cleanup = (): void => {
    killChildren();
    products.close();
    rmSync(workDir, { recursive: true, force: true });
  };

  // Kill running shell commands first so their requests end and close() does not wait.
  const { url, close } = await listenOnLoopback(app, { beforeClose: killChildren, cleanup });
  specJson = JSON.stringify(openApiDocument(url));

  return {
    url,
    variant,
    users: REST_USERS,
    vulnerabilities: vulnerable ? REST_VULNERABILITIES : [],
    specPath: '/openapi.json',
    login: {
      method: 'POST',
      path: '/api/auth/login',
      body: { username: '{username}', password: '{password}' },
      tokenPath: 'token',
    },
    close,
  };
}
