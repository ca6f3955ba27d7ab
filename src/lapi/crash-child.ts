/**
 * For the crash test only: runs the local API on a SQLite file with the system clock and herd's
 * stand-in profile (a 4h ban per alert), prints `LISTEN <url>` once it listens, and runs until it
 * is killed. Usage: `node child.mjs <db path> <jwt secret>`.
 */
import { silentLogger, systemClock } from '../core/index.js';
import { openStore } from '../store/index.js';
import { createLapiServer } from './lapi-server.js';
import { banFourHours } from './test-kit.js';

const [path, secret] = process.argv.slice(2);
if (path && secret) {
  const store = await openStore({ type: 'sqlite', path }, { clock: systemClock });
  const server = createLapiServer(
    { store, clock: systemClock, logger: silentLogger(), decide: banFourHours(systemClock) },
    { listen: '127.0.0.1:0', jwtSecret: secret, syncEveryMs: 0, loginRateLimit: { burst: 1000, perMinute: 1000 } },
  );
  const url = await server.listen();
  await server.ready();
  process.stdout.write(`LISTEN ${url}\n`);
}
