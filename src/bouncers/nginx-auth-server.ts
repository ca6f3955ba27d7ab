import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HerdError, errorMessage, silentLogger, type Logger } from '../core/index.js';
import { HttpGuard, safeReturn, type HttpGuardDeps, type HttpGuardOptions } from './http-guard.js';
import { sendGuardResponse } from './node-middleware.js';

/**
 * The endpoint behind nginx's `auth_request`: nginx asks it about every request (a subrequest
 * without body, carrying the client address in a header it sets) and it answers 200 (let through),
 * 403 (banned) or 401 with `X-Herd-Redirect: <captcha page>` (nginx then redirects the client
 * there). It also serves the captcha page itself and a ban page, both proxied by nginx. The
 * address header is believed only from `trustedPeers` (nginx itself); from anyone else the peer's
 * own address is the client.
 */

export interface NginxAuthOptions extends Omit<HttpGuardOptions, 'trustedProxies' | 'clientIpHeader'> {
  /** `host:port` to listen on. Default `127.0.0.1:8089`. */
  listen?: string;
  /** The header nginx sets to the client address. Default `x-real-ip`. */
  ipHeader?: string;
  /** The header carrying the original URI (for the way back after a captcha). Default `x-original-uri`. */
  uriHeader?: string;
  /** Peers whose headers are believed. Default loopback (`127.0.0.1`, `::1`). */
  trustedPeers?: string[];
  /** Where the ban page is served (for `error_page 403`). Default `/.herd/ban`. */
  banPath?: string;
}

export interface NginxAuthServer {
  readonly server: http.Server;
  readonly guard: HttpGuard;
  /** Starts the guard (stream pulls) and listens; resolves to the bound address. */
  listen(): Promise<{ host: string; port: number }>;
  close(): Promise<void>;
}

function splitHostPort(listen: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(listen);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new HerdError('HERD_BOUNCER_CONFIG', `listen: '${listen}' must be host:port, e.g. 127.0.0.1:8089`);
  return { host: m[1] || '127.0.0.1', port };
}

export function createNginxAuthServer(options: NginxAuthOptions, deps: HttpGuardDeps = {}): NginxAuthServer {
  const { host, port } = splitHostPort(options.listen ?? '127.0.0.1:8089');
  const guard = new HttpGuard({ ...options, trustedProxies: options.trustedPeers ?? ['127.0.0.1', '::1'], clientIpHeader: options.ipHeader ?? 'x-real-ip' }, deps);
  const uriHeader = (options.uriHeader ?? 'x-original-uri').toLowerCase();
  const banPath = options.banPath ?? '/.herd/ban';
  const logger: Logger = deps.logger ?? silentLogger();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const ip = guard.clientIp.resolve(req.socket.remoteAddress, req.headers);
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0];
    if (path === guard.captchaPath) {
      sendGuardResponse(req, res, await guard.captchaRequest(req, ip ?? '0.0.0.0', url));
      return;
    }
    if (path === banPath) {
      sendGuardResponse(req, res, guard.banResponse(req, ip ?? ''));
      return;
    }
    if (ip === null) {
      res.writeHead(200).end();
      return;
    }
    const verdict = await guard.decide(ip, req.headers.cookie);
    if (verdict === 'allow') {
      res.writeHead(200, { 'content-length': 0 }).end();
    } else if (verdict === 'ban') {
      res.writeHead(403, { 'content-length': 0, 'x-herd-remediation': 'ban' }).end();
    } else {
      const raw = req.headers[uriHeader];
      const back = safeReturn(typeof raw === 'string' ? raw : '/');
      res.writeHead(401, { 'content-length': 0, 'x-herd-remediation': 'captcha', 'x-herd-redirect': `${guard.captchaPath}?return=${encodeURIComponent(back)}` }).end();
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err: errorMessage(err) }, 'auth request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-length': 0 });
      res.end();
    });
  });
  server.keepAliveTimeout = 65_000;

  return {
    server,
    guard,
    async listen() {
      await guard.start();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const a = server.address() as AddressInfo;
      return { host: a.address, port: a.port };
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await guard.stop();
    },
  };
}
