import { spawn } from 'node:child_process';
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { readNamedFile } from '../kit/files.js';
import { fetchCapped, outboundUrl } from '../kit/outbound-fetch.js';
import { HttpProblem, badRequest, objectBody, own, requireUser, requiredQueryText, type RestContext } from './context.js';

/**
 * Operator tools: a ping, a document reader and a webhook tester. Flaws on the vulnerable
 * variant: shell command injection, path traversal and server-side request forgery.
 */

const PING_TIMEOUT_MS = 10_000;
const MAX_OUTPUT = 64 * 1024;
const MAX_FILE = 64 * 1024;
const WEBHOOK_TIMEOUT_MS = 5_000;
const MAX_FETCHED = 64 * 1024;
const BODY_SHOWN = 1024;

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

const pingLine = (host: string): string => `PING ${host}: 56 data bytes\n`;

/** Runs `cmd` in /bin/sh; kills its process group after the timeout or past the output cap. */
function runShell(ctx: RestContext, cmd: string): Promise<string> {
  return new Promise((done) => {
    const child = spawn('/bin/sh', ['-c', cmd], {
      cwd: ctx.workDir,
      env: { PATH: '/usr/bin:/bin' },
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    ctx.children.add(child);
    const chunks: Buffer[] = [];
    let size = 0;
    // The whole process group: a backgrounded `sleep &` outlives the shell and holds stdout open.
    const stop = (): void => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    const timer = setTimeout(stop, PING_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      if (size >= MAX_OUTPUT) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size >= MAX_OUTPUT) stop();
    });
    const finish = (): void => {
      clearTimeout(timer);
      stop(); // what the command left running in the background
      ctx.children.delete(child);
      done(Buffer.concat(chunks).subarray(0, MAX_OUTPUT).toString('utf8'));
    };
    child.on('error', finish);
    child.on('close', finish);
  });
}

/** Fetches `url` (redirects followed only by the vulnerable variant) and shows the start of the answer. */
async function fetchWebhook(url: string, follow: boolean): Promise<{ status: number; body: string }> {
  const answer = await fetchCapped(url, { userAgent: 'shop-webhooks/1.0', accept: '*/*', follow, timeoutMs: WEBHOOK_TIMEOUT_MS, maxBytes: MAX_FETCHED });
  return { status: answer.status, body: answer.body.toString('utf8').slice(0, BODY_SHOWN) };
}

export function registerToolRoutes(app: FastifyInstance, ctx: RestContext): void {
  app.get('/api/tools/ping', async (req) => {
    await requireUser(ctx, req);
    const host = requiredQueryText(req, 'host', 253);
    if (ctx.vulnerable) {
      // The flaw: the host goes into a shell command line as it came.
      const output = await runShell(ctx, `printf 'PING %s: 56 data bytes\\n' ${host}`);
      return { host, output };
    }
    if (isIP(host) === 0 && !HOSTNAME.test(host)) throw badRequest('host must be an IP address or a hostname');
    return { host, output: pingLine(host) };
  });

  app.get('/api/files', async (req, reply) => {
    await requireUser(ctx, req);
    const name = requiredQueryText(req, 'name', 255);
    // The flaw (vulnerable): the name is joined to the docs directory as it came.
    const text = await readNamedFile({ dir: ctx.docsDir, vulnerable: ctx.vulnerable, param: 'name', missing: 'no document with this name', maxBytes: MAX_FILE }, name);
    return reply.type('text/plain; charset=utf-8').send(text);
  });

  app.post('/api/webhooks/test', async (req) => {
    await requireUser(ctx, req);
    // The flaw (vulnerable): any http(s) URL, loopback and private addresses included, is fetched.
    const url = outboundUrl(own(objectBody(req), 'url'), ctx.vulnerable, ctx.webhookHosts);
    try {
      const answer = await fetchWebhook(url.href, ctx.vulnerable);
      return { url: url.href, ...answer };
    } catch {
      throw new HttpProblem(502, 'Bad Gateway', 'the URL could not be fetched');
    }
  });
}
