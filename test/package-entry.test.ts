import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assertBuilt, ROOT } from './support/herd-cli.js';

/**
 * What an application gets from `import … from 'herd/bouncer'` and `from 'herd'`: the package's
 * exports map resolves to the compiled files (run in a child Node, as an application would).
 */
function exportsOf(specifier: string): string[] {
  assertBuilt();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()));`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as string[];
}

describe('package entry points', () => {
  it('herd/bouncer exports the middleware for node:http, Express and Fastify, and the nftables and nginx bouncers', () => {
    expect(exportsOf('herd/bouncer')).toEqual(expect.arrayContaining(['bouncerMiddleware', 'herdBouncer', 'Bouncer', 'LapiClient', 'NftablesBouncer', 'createNginxAuthServer', 'ClientIpResolver']));
  });

  it('herd exports the bouncers too, and the local API, the store and the jobs for embedding', () => {
    expect(exportsOf('herd')).toEqual(expect.arrayContaining(['bouncerMiddleware', 'createLapiServer', 'openStore', 'runMainJob', 'runAgentJob', 'loadHerdConfig']));
  });
});
