/**
 * The scanner's own HTTP server on 127.0.0.1: the out-of-band channel of SSRF checks. A check puts
 * `url(label)` where the target might fetch a URL; a request for that path means the target made
 * the request. Answers every request with a short 200 and records its path, nothing more.
 */
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Canary } from '../check.js';

export class CanaryServer implements Canary {
  private readonly hits = new Set<string>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private port = 0;

  private constructor(private readonly server: Server) {}

  static async start(host = '127.0.0.1'): Promise<CanaryServer> {
    const server = createServer();
    const canary = new CanaryServer(server);
    server.on('request', (req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      canary.hit(path);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('herd canary\n');
    });
    server.headersTimeout = 5000;
    server.requestTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    const address = server.address();
    canary.port = typeof address === 'object' && address !== null ? address.port : 0;
    return canary;
  }

  url(label: string): string {
    const clean = label.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40);
    return `http://127.0.0.1:${this.port}/herd-${clean}-${randomBytes(6).toString('hex')}`;
  }

  async wasHit(url: string, waitMs = 2000): Promise<boolean> {
    const path = new URL(url).pathname;
    if (this.hits.has(path)) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(this.hits.has(path)), waitMs);
      const list = this.waiters.get(path) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
      this.waiters.set(path, list);
    });
  }

  private hit(path: string): void {
    this.hits.add(path);
    for (const w of this.waiters.get(path) ?? []) w();
    this.waiters.delete(path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
