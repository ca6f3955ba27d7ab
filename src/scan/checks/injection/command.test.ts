import { execFile } from 'node:child_process';
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { commandInjection } from './command.js';
import { client, context, listen, operation, query, restApi, sample } from './test-kit.js';

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000, env: { PATH: '/usr/bin:/bin' } }, (_err, stdout) => resolve(String(stdout)));
  });
}

/** A ping that prints, a blind one that only says it ran, and an echo; through sh -c, or without a shell. */
function app(vulnerable: boolean): FastifyInstance {
  const f = Fastify();
  const ping = (host: string): Promise<string> =>
    vulnerable ? run('/bin/sh', ['-c', `printf 'PING %s\\n' ${host}`]) : run('/usr/bin/printf', ['PING %s\\n', host]);
  f.get<{ Querystring: { host?: string } }>('/api/ping', async (req) => ({ output: await ping(req.query.host ?? '') }));
  f.post<{ Body: { target?: string } }>('/api/jobs', async (req) => {
    await ping(String(req.body.target ?? ''));
    return { queued: true };
  });
  f.get<{ Querystring: { text?: string } }>('/api/echo', async (req) => ({ text: req.query.text ?? '' }));
  return f;
}

const pingOp = operation('GET', '/api/ping', { parameters: [query('host')] });
const jobsOp = operation('POST', '/api/jobs', { requestBody: { contentType: 'application/json', required: true, schema: { type: 'object' } } });
const echoOp = operation('GET', '/api/echo', { parameters: [query('text')] });

async function scan(vulnerable: boolean, which: 'ping' | 'jobs' | 'echo') {
  const f = app(vulnerable);
  const url = await listen(f);
  try {
    const c = client(url);
    const samples = [];
    if (which === 'ping') samples.push(await sample(c, url, pingOp, { path: '/api/ping?host=127.0.0.1' }));
    if (which === 'jobs') samples.push(await sample(c, url, jobsOp, { path: '/api/jobs', json: { target: 'example.org' } }));
    if (which === 'echo') samples.push(await sample(c, url, echoOp, { path: '/api/echo?text=hello' }));
    const { ctx, findings } = context({ api: restApi([pingOp, jobsOp, echoOp]), baseUrl: url, client: c, samples });
    await commandInjection.run(ctx);
    return { findings, requests: c.stats.requests };
  } finally {
    await f.close();
  }
}

describe('injection.command', () => {
  it('reports the computed marker printed by a command appended to a shell command line', async () => {
    const { findings } = await scan(true, 'ping');
    expect(findings.map((f) => [f.location, f.key])).toEqual([['GET /api/ping', 'query:host']]);
    expect(findings[0].detail).toMatch(/herd\d+x/);
  });

  it('stays silent when the program runs without a shell, within a dozen requests', async () => {
    const { findings, requests } = await scan(false, 'ping');
    expect(findings).toEqual([]);
    expect(requests).toBeLessThanOrEqual(12);
  });

  it('finds a blind shell through a sleep confirmed twice', async () => {
    const { findings } = await scan(true, 'jobs');
    expect(findings.map((f) => f.key)).toEqual(['json:target']);
    expect(findings[0].detail).toMatch(/delayed the answer by about 3 s twice/);
  }, 60_000);

  it('stays silent on a blind job that runs without a shell', async () => {
    expect((await scan(false, 'jobs')).findings).toEqual([]);
  });

  it('does not mistake an API that echoes the payload for one that runs it', async () => {
    expect((await scan(true, 'echo')).findings).toEqual([]);
  });
});
