import { spawn } from 'node:child_process';
import { open, realpath, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { HttpProblem, badRequest, notFound, objectBody, own, requireUser, requiredQueryText, type RestContext } from './context.js';

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

/** The first bytes of a regular file, or null when there is none at this path. */
async function readHead(path: string): Promise<string | null> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return null;
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(MAX_FILE);
      const { bytesRead } = await handle.read(buffer, 0, MAX_FILE, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

/** Fetches `url` and keeps at most MAX_FETCHED bytes of the answer. */
async function fetchCapped(url: string, follow: boolean): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: 'GET',
    headers: { 'user-agent': 'shop-webhooks/1.0', accept: '*/*' },
    redirect: follow ? 'follow' : 'error',
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body !== null) {
    const reader = response.body.getReader();
    while (size < MAX_FETCHED) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
    await reader.cancel().catch(() => undefined);
  }
  const body = Buffer.concat(chunks).subarray(0, MAX_FETCHED).toString('utf8').slice(0, BODY_SHOWN);
  return { status: response.status, body };
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
    let real: string | null;
    if (ctx.vulnerable) {
      // The flaw: the name is joined to the docs directory as it came.
      real = await realpath(join(ctx.docsDir, name)).catch(() => null);
      // Kernel files would hand the test machine's environment to whoever scans the target.
      if (real === null || /^\/(proc|sys|dev)(\/|$)/.test(real)) throw notFound('no document with this name');
    } else {
      if (/[/\\\0]/.test(name) || name.includes('..')) throw badRequest('name must be a plain file name');
      real = await realpath(resolve(ctx.docsDir, name)).catch(() => null);
      if (real === null || !real.startsWith(ctx.docsDir + sep)) throw notFound('no document with this name');
    }
    const text = await readHead(real);
    if (text === null) throw notFound('no document with this name');
    return reply.type('text/plain; charset=utf-8').send(text);
  });

  app.post('/api/webhooks/test', async (req) => {
    await requireUser(ctx, req);
    const raw = own(objectBody(req), 'url');
    if (typeof raw !== 'string' || raw.length > 2048) throw badRequest('url must be a URL of at most 2048 characters');
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw badRequest('url must be an absolute http or https URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('url must be an absolute http or https URL');
    if (!ctx.vulnerable) {
      const allowed = url.protocol === 'https:' && ctx.webhookHosts.includes(url.hostname.toLowerCase()) && url.username === '' && url.password === '' && url.port === '';
      if (!allowed) throw badRequest(`url must be an https URL on ${ctx.webhookHosts.join(', ')}`);
    }
    try {
      const answer = await fetchCapped(url.href, ctx.vulnerable);
      return { url: url.href, ...answer };
    } catch {
      throw new HttpProblem(502, 'Bad Gateway', 'the URL could not be fetched');
    }
  });
}
