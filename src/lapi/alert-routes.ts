import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorMessage } from '../core/index.js';
import type { Decision } from '../decisions/index.js';
import type { AlertToStore, StoredAlert } from '../store/index.js';
import { describeIssues } from './api-errors.js';
import { alertFromWire, alertToWire, alertUuid, decisionsFromWire, pushAlertsSchema } from './alert-wire.js';
import { JSON_TYPE, fail, isLoopback, query, type LapiContext } from './lapi-context.js';
import { alertSearch, deleteDecisionsQuery, isError, type AlertSearch } from './query-params.js';
import { machineAuthHook } from './watcher-routes.js';

/**
 * The machines' alert and decision routes: POST /v1/alerts (stored with their decisions in one
 * commit, answered only once committed, idempotent when retried), GET/HEAD /v1/alerts[/:id],
 * DELETE /v1/alerts[/:id] (from loopback or trusted addresses, as CrowdSec), and DELETE
 * /v1/decisions[/:id] (the decisions end now; bouncers get them as deleted).
 */

function idParam(req: FastifyRequest, name: string): number | null {
  const text = (req.params as Record<string, string>)[name];
  const id = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

function mayDelete(ctx: LapiContext, req: FastifyRequest, reply: FastifyReply): boolean {
  if (isLoopback(req.ip) || ctx.trusted.contains(req.ip)) return true;
  fail(reply, 403, `access forbidden from this IP (${req.ip})`);
  return false;
}

/** Alerts matching a search, with the decision type / origin filters the store does not have. */
async function findAlerts(ctx: LapiContext, search: AlertSearch): Promise<StoredAlert[]> {
  const { decisionType, origin } = search;
  if (decisionType === undefined && origin === undefined) return ctx.deps.store.listAlerts(search.query);
  const { limit, ...rest } = search.query;
  const all = await ctx.deps.store.listAlerts(rest);
  const kept = all.filter((a) => a.decisions.some((d) => (decisionType === undefined || d.type === decisionType) && (origin === undefined || d.origin === origin)));
  return limit === undefined ? kept : kept.slice(0, limit);
}

export function registerAlertRoutes(app: FastifyInstance, ctx: LapiContext): void {
  const { store, clock, logger } = ctx.deps;
  const preHandler = machineAuthHook(ctx);

  app.post('/v1/alerts', { preHandler }, async (req, reply) => {
    const machine = req.herdMachine!;
    const parsed = pushAlertsSchema.safeParse(req.body);
    if (!parsed.success) return fail(reply, 400, describeIssues(parsed.error.issues, req.body));
    const raw = req.body as unknown[];
    const now = clock.now();
    const batch: AlertToStore[] = [];
    const decisions: Decision[][] = [];
    for (let i = 0; i < parsed.data.length; i++) {
      const w = parsed.data[i];
      const alert = alertFromWire(w, machine.machineId, alertUuid(w, raw[i], machine.machineId));
      let list: Decision[];
      if (w.decisions && w.decisions.length > 0) {
        const made = decisionsFromWire(w, i, now);
        if ('error' in made) return fail(reply, 400, made.error);
        list = made;
      } else {
        try {
          list = ctx.deps.decide(alert).map((d) => ({ ...d, id: 0, alertId: 0 }));
        } catch (err) {
          logger.warn({ err: errorMessage(err), scenario: alert.scenario }, 'profiles failed on a pushed alert');
          return fail(reply, 500, 'the profiles failed on an alert; see the API logs');
        }
      }
      batch.push({ alert, decisions: list });
      decisions.push(list);
    }
    ctx.metrics.alertsReceived.inc({ machine: machine.machineId }, batch.length);
    if (batch.length === 0) return reply.code(201).type(JSON_TYPE).send('null');
    let ids: { alertIds: number[]; decisionIds: number[] };
    try {
      ids = await store.commit({ alerts: batch, skipExistingAlerts: true });
    } catch (err) {
      logger.warn({ err: errorMessage(err), machineId: machine.machineId, alerts: batch.length }, 'storing pushed alerts failed');
      return fail(reply, 500, 'the alerts could not be stored; nothing was kept, retry later');
    }
    const total = decisions.reduce((n, l) => n + l.length, 0);
    if (ids.decisionIds.length === total) {
      let k = 0;
      const made: Decision[] = [];
      for (let i = 0; i < decisions.length; i++) {
        for (const d of decisions[i]) {
          d.id = ids.decisionIds[k++];
          d.alertId = ids.alertIds[i];
          made.push(d);
        }
      }
      ctx.feed.notify(made);
    } else {
      // Some alerts were stored before (a retried push): read what the store holds.
      await ctx.feed.sync().catch(() => undefined);
    }
    ctx.machines.update(machine, { lastPush: now });
    return reply.code(201).type(JSON_TYPE).send(JSON.stringify(ids.alertIds.map(String)));
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/v1/alerts',
    preHandler,
    handler: async (req, reply) => {
      const now = clock.now();
      const search = alertSearch(query(req), now, false);
      if (isError(search)) return fail(reply, 400, search.error);
      const alerts = await findAlerts(ctx, search);
      if (req.method === 'HEAD') return reply.code(200).send();
      return reply.type(JSON_TYPE).send(alerts.length === 0 ? 'null' : JSON.stringify(alerts.map((a) => alertToWire(a, now))));
    },
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/v1/alerts/:alert_id',
    preHandler,
    handler: async (req, reply) => {
      const id = idParam(req, 'alert_id');
      if (id === null) return fail(reply, 400, 'alert_id must be valid integer');
      const alert = await store.getAlert(id);
      if (alert === null) return fail(reply, 404, 'object not found');
      if (req.method === 'HEAD') return reply.code(200).send();
      return reply.type(JSON_TYPE).send(JSON.stringify(alertToWire(alert, clock.now())));
    },
  });

  app.delete('/v1/alerts', { preHandler }, async (req, reply) => {
    if (!mayDelete(ctx, req, reply)) return reply;
    const now = clock.now();
    const search = alertSearch(query(req), now, true);
    if (isError(search)) return fail(reply, 400, search.error);
    const doomed = await findAlerts(ctx, search);
    let n: number;
    if (search.decisionType === undefined && search.origin === undefined) {
      n = await store.deleteAlerts(search.query);
    } else {
      n = 0;
      for (const a of doomed) n += await deleteOne(ctx, a);
    }
    endDecisionsOf(ctx, doomed, now);
    return reply.type(JSON_TYPE).send({ nbDeleted: String(n) });
  });

  app.delete('/v1/alerts/:alert_id', { preHandler }, async (req, reply) => {
    if (!mayDelete(ctx, req, reply)) return reply;
    const id = idParam(req, 'alert_id');
    if (id === null) return fail(reply, 400, 'alert_id must be valid integer');
    const alert = await store.getAlert(id);
    if (alert === null) return fail(reply, 404, 'object not found');
    const n = await deleteOne(ctx, alert);
    if (n === 0) return fail(reply, 409, `alert ${id} cannot be deleted alone (another alert has the same source, scenario and time); delete by filter`);
    endDecisionsOf(ctx, [alert], clock.now());
    return reply.type(JSON_TYPE).send({ nbDeleted: '1' });
  });

  app.delete('/v1/decisions', { preHandler }, async (req, reply) => {
    const q = deleteDecisionsQuery(query(req));
    if (isError(q)) return fail(reply, 400, q.error);
    const n = await store.expireDecisions(q, clock.now());
    await ctx.feed.sync().catch(() => undefined);
    return reply.type(JSON_TYPE).send({ nbDeleted: String(n) });
  });

  app.delete('/v1/decisions/:decision_id', { preHandler }, async (req, reply) => {
    const id = idParam(req, 'decision_id');
    if (id === null) return fail(reply, 400, 'decision_id must be valid integer');
    const now = clock.now();
    const n = await store.expireDecisions({ id }, now);
    if (n === 0) return fail(reply, 404, `decision with id '${id}' doesn't exist or has already ended`);
    await ctx.feed.sync().catch(() => undefined);
    return reply.type(JSON_TYPE).send({ nbDeleted: String(n) });
  });
}

/**
 * Deletes one alert. The store deletes by filter only, so the filter is narrowed to this alert
 * (machine, scenario, source, storage time) and used only when it matches this alert alone.
 */
async function deleteOne(ctx: LapiContext, a: StoredAlert): Promise<number> {
  const q = { machineId: a.machineId, scenario: a.scenario, scope: a.source.scope, value: a.source.value, since: a.createdAt, until: a.createdAt };
  const same = await ctx.deps.store.listAlerts({ ...q, limit: 2 });
  if (same.length !== 1 || same[0].id !== a.id) return 0;
  return ctx.deps.store.deleteAlerts(q);
}

/** Decisions removed with their alerts end now for bouncers (other API instances see them expire). */
function endDecisionsOf(ctx: LapiContext, alerts: StoredAlert[], now: number): void {
  const ended: Decision[] = [];
  for (const a of alerts) for (const d of a.decisions) if (d.until > now) ended.push({ ...d, until: now });
  ctx.feed.notify(ended);
}
