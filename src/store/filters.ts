import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { HerdError } from '../core/index.js';
import { rangeBounds } from '../ip/index.js';
import type { AlertQuery, DecisionQuery } from './store-api.js';
import type { Tables } from './tables.js';

/**
 * Queries as portable WHERE clauses, shared by SELECT, UPDATE and DELETE. IP containment is plain
 * comparison of fixed-width hex strings (the ip module's 128-bit bounds), so it runs the same on
 * SQLite and PostgreSQL and uses the (start, end) index.
 */

interface QueryBounds {
  size: number;
  start: string;
  end: string;
  contains: boolean;
}

/** The address filter of a query, validated; throws `HERD_STORE_QUERY` for bad input. */
export function queryBounds(q: { ip?: string; range?: string; contains?: boolean }, what: string): QueryBounds | null {
  if (q.ip !== undefined && q.range !== undefined) {
    throw new HerdError('HERD_STORE_QUERY', `a ${what} query takes an ip or a range, not both (ip ${q.ip}, range ${q.range})`);
  }
  const text = q.ip ?? q.range;
  if (text === undefined) return null;
  const b = rangeBounds(text);
  if (!b) {
    const kind = q.ip !== undefined ? 'IP address (like 192.0.2.1 or 2001:db8::1)' : 'CIDR range (like 192.0.2.0/24)';
    throw new HerdError('HERD_STORE_QUERY', `the ${what} query's ${q.ip !== undefined ? 'ip' : 'range'} "${text}" is not a valid ${kind}`);
  }
  return { size: b.size, start: b.start, end: b.end, contains: q.contains === true };
}

export function decisionWhere(
  eb: ExpressionBuilder<Tables, 'decisions'>,
  q: DecisionQuery & { id?: number },
  bounds: QueryBounds | null,
): Expression<SqlBool> {
  const parts: Expression<SqlBool>[] = [];
  if (q.id !== undefined) parts.push(eb('decisions.id', '=', q.id));
  if (q.activeAt !== undefined) parts.push(eb('decisions.until', '>', q.activeAt));
  if (q.expiredBy !== undefined) parts.push(eb('decisions.until', '<=', q.expiredBy));
  if (q.createdAfter !== undefined) parts.push(eb('decisions.created_at', '>', q.createdAfter));
  if (q.scope !== undefined) parts.push(eb('decisions.scope', '=', q.scope));
  if (q.value !== undefined) parts.push(eb('decisions.value', '=', q.value));
  if (q.type !== undefined) parts.push(eb('decisions.type', '=', q.type));
  if (q.origin !== undefined) parts.push(eb('decisions.origin', '=', q.origin));
  if (q.scenario !== undefined) parts.push(eb('decisions.scenario', '=', q.scenario));
  if (q.simulated !== undefined) parts.push(eb('decisions.simulated', '=', q.simulated ? 1 : 0));
  if (q.alertId !== undefined) parts.push(eb('decisions.alert_id', '=', q.alertId));
  if (bounds) {
    parts.push(eb('decisions.ip_size', '=', bounds.size));
    if (bounds.contains) {
      parts.push(eb('decisions.start_ip', '<=', bounds.start), eb('decisions.end_ip', '>=', bounds.end));
    } else {
      parts.push(eb('decisions.start_ip', '>=', bounds.start), eb('decisions.end_ip', '<=', bounds.end));
    }
  }
  return eb.and(parts);
}

export function alertWhere(
  eb: ExpressionBuilder<Tables, 'alerts'>,
  q: AlertQuery,
  bounds: QueryBounds | null,
  now: number,
): Expression<SqlBool> {
  const parts: Expression<SqlBool>[] = [];
  if (q.scenario !== undefined) parts.push(eb('alerts.scenario', '=', q.scenario));
  if (q.machineId !== undefined) parts.push(eb('alerts.machine_id', '=', q.machineId));
  if (q.scope !== undefined) parts.push(eb('alerts.source_scope', '=', q.scope));
  if (q.value !== undefined) parts.push(eb('alerts.source_value', '=', q.value));
  if (q.since !== undefined) parts.push(eb('alerts.created_at', '>=', q.since));
  if (q.until !== undefined) parts.push(eb('alerts.created_at', '<=', q.until));
  if (q.simulated !== undefined) parts.push(eb('alerts.simulated', '=', q.simulated ? 1 : 0));
  if (bounds) {
    parts.push(eb('alerts.source_ip_size', '=', bounds.size));
    if (bounds.contains) {
      parts.push(eb('alerts.source_start_ip', '<=', bounds.start), eb('alerts.source_end_ip', '>=', bounds.end));
    } else {
      parts.push(eb('alerts.source_start_ip', '>=', bounds.start), eb('alerts.source_end_ip', '<=', bounds.end));
    }
  }
  if (q.hasActiveDecision !== undefined) {
    const active = activeDecisionExists(eb, now);
    parts.push(q.hasActiveDecision ? active : eb.not(active));
  }
  return eb.and(parts);
}

/** A condition on alerts, built where the query is. */
export type AlertCondition = (eb: ExpressionBuilder<Tables, 'alerts'>) => Expression<SqlBool>;

/** `EXISTS` a decision of this alert still applying at `now`. */
export function activeDecisionExists(eb: ExpressionBuilder<Tables, 'alerts'>, now: number): Expression<SqlBool> {
  return eb.exists(
    eb
      .selectFrom('decisions')
      .select('decisions.id')
      .whereRef('decisions.alert_id', '=', 'alerts.id')
      .where('decisions.until', '>', now),
  );
}
