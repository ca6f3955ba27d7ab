import type { FastifyRequest } from 'fastify';
import { badRequest } from './problem.js';

/**
 * Reading hostile request input without trusting its shape: own properties only (a `__proto__`
 * key is data, not a prototype), one value per query parameter, lengths capped; anything else is
 * a 400 that says what to send.
 */

export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** The request body as a flat object; anything else is a 400 with `message` (what to send). */
export function objectBody(req: FastifyRequest, message: string): Record<string, unknown> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest(message);
  return body as Record<string, unknown>;
}

/** A query parameter given once, or undefined when absent; repeated is a 400. */
export function queryValue(req: FastifyRequest, name: string): string | undefined {
  const query = req.query as Record<string, unknown> | undefined;
  const value = query !== undefined && Object.hasOwn(query, name) ? query[name] : undefined;
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(`give the query parameter ${name} once`);
  return value;
}

/** A query parameter of at most `maxLength` characters, or undefined when absent. */
export function queryText(req: FastifyRequest, name: string, maxLength: number): string | undefined {
  const value = queryValue(req, name);
  if (value !== undefined && value.length > maxLength) throw badRequest(`${name} is longer than ${maxLength} characters`);
  return value;
}

/** Like queryText, but absent or empty is a 400. */
export function requiredQueryText(req: FastifyRequest, name: string, maxLength: number): string {
  const value = queryText(req, name, maxLength);
  if (value === undefined || value === '') throw badRequest(`the query parameter ${name} is required`);
  return value;
}
