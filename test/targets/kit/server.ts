import fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';

/**
 * The HTTP server of a target: fastify with the options every target shares, listening on an
 * ephemeral port of 127.0.0.1 only, and a close() that may be called many times.
 */

/** A fastify app with the shared options; `extra` adds to or overrides them. */
export function targetServer(extra: FastifyServerOptions = {}): FastifyInstance {
  return fastify({
    logger: false,
    exposeHeadRoutes: false,
    requestTimeout: 30_000,
    // close() must not wait for the keep-alive connections a scanner leaves open.
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 200 },
    ...extra,
  });
}

export interface Lifecycle {
  /** Called first on close(), before the server stops (e.g. to end requests that would hold it). */
  readonly beforeClose?: () => void;
  /** Frees what the target holds (database, temp directory); also called when listening fails. */
  readonly cleanup: () => void;
}

/** Listens on 127.0.0.1 (ephemeral port); answers the base URL and an idempotent close(). */
export async function listenOnLoopback(app: FastifyInstance, lifecycle: Lifecycle): Promise<{ url: string; close: () => Promise<void> }> {
  let url: string;
  try {
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  } catch (err) {
    lifecycle.cleanup();
    throw err;
  }
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      lifecycle.beforeClose?.();
      await app.close();
      lifecycle.cleanup();
    })();
    return closing;
  };
  return { url, close };
}
