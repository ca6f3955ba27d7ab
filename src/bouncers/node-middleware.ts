import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpGuard, type GuardResponse, type HttpGuardDeps, type HttpGuardOptions } from './http-guard.js';

/**
 * The bouncer as connect-style middleware: `(req, res, next)` works with node:http (through
 * `wrap`) and Express (`app.use(bouncerMiddleware({...}))`) alike. A request the bouncer lets
 * through goes on synchronously when the answer is known without asking the API (hot path).
 */

export type NextFunction = (err?: unknown) => void;

export interface BouncerMiddleware {
  (req: IncomingMessage, res: ServerResponse, next: NextFunction): void;
  /** A node:http handler that runs `handler` only for requests the bouncer lets through. */
  wrap<Req extends IncomingMessage, Res extends ServerResponse>(handler: (req: Req, res: Res) => void): (req: Req, res: Res) => void;
  readonly guard: HttpGuard;
  /** Resolves once the first stream pull is done (immediately in live mode). */
  readonly ready: Promise<void>;
  /** Stops the bouncer it started. */
  close(): Promise<void>;
}

/** Writes a guard's answer on a node response. */
export function sendGuardResponse(req: IncomingMessage, res: ServerResponse, r: GuardResponse): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(r.status, { ...r.headers, 'content-length': Buffer.byteLength(r.body) });
  res.end(req.method === 'HEAD' ? undefined : r.body);
}

/**
 * Builds the middleware from options (it then owns and starts a bouncer) or from a guard of one's
 * own (shared between apps).
 */
export function bouncerMiddleware(options: HttpGuardOptions | HttpGuard, deps: HttpGuardDeps = {}): BouncerMiddleware {
  const guard = options instanceof HttpGuard ? options : new HttpGuard(options, deps);
  const owned = !(options instanceof HttpGuard);
  const ready = owned ? guard.start() : Promise.resolve();

  const middleware = ((req: IncomingMessage, res: ServerResponse, next: NextFunction): void => {
    let outcome;
    try {
      outcome = guard.evaluate(req);
    } catch (err) {
      next(err);
      return;
    }
    if (outcome === null) {
      next();
      return;
    }
    if (!(outcome instanceof Promise)) {
      sendGuardResponse(req, res, outcome);
      return;
    }
    outcome.then(
      (r) => (r === null ? next() : sendGuardResponse(req, res, r)),
      (err: unknown) => next(err),
    );
  }) as BouncerMiddleware;

  const wrap = <Req extends IncomingMessage, Res extends ServerResponse>(handler: (req: Req, res: Res) => void) =>
    (req: Req, res: Res): void => {
      middleware(req, res, (err?: unknown) => {
        if (err === undefined) {
          handler(req, res);
          return;
        }
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error\n');
      });
    };

  return Object.assign(middleware, {
    wrap,
    guard,
    ready,
    close: async (): Promise<void> => {
      await ready.catch(() => undefined);
      if (owned) await guard.stop();
    },
  });
}
