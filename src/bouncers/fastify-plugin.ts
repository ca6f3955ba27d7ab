import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { HttpGuard, type GuardResponse, type HttpGuardDeps, type HttpGuardOptions } from './http-guard.js';

/**
 * The bouncer as a Fastify plugin: `app.register(herdBouncer, options)` adds an `onRequest` hook
 * to the whole app (the plugin is not encapsulated, as fastify-plugin would arrange). The client
 * address comes from herd's `trustedProxies`, not from Fastify's `trustProxy`, so one rule decides
 * who is banned whatever the framework. Fastify is only a type here: herd does not load it.
 */

export interface HerdBouncerPluginOptions extends HttpGuardOptions {
  /** A guard of one's own (shared between apps); the plugin then does not start or stop it. */
  guard?: HttpGuard;
  deps?: HttpGuardDeps;
}

function send(reply: FastifyReply, r: GuardResponse): void {
  void reply.code(r.status).headers(r.headers).send(r.body);
}

async function plugin(app: FastifyInstance, options: HerdBouncerPluginOptions): Promise<void> {
  const guard = options.guard ?? new HttpGuard(options, options.deps);
  if (options.guard === undefined) {
    await guard.start();
    app.addHook('onClose', async () => guard.stop());
  }
  app.decorate('herdBouncer', guard);
  app.addHook('onRequest', (request, reply, done) => {
    let outcome;
    try {
      outcome = guard.evaluate(request.raw);
    } catch (err) {
      done(err as Error);
      return;
    }
    if (outcome === null) {
      done();
      return;
    }
    // Answering from the hook without calling done() ends the request here.
    if (!(outcome instanceof Promise)) {
      send(reply, outcome);
      return;
    }
    outcome.then(
      (r) => (r === null ? done() : send(reply, r)),
      (err: unknown) => done(err as Error),
    );
  });
}

// Not encapsulated: the hook applies to every route of the app that registers it.
Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'herd-bouncer' });

export const herdBouncer: FastifyPluginAsync<HerdBouncerPluginOptions> = plugin;
