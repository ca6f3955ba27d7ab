import RE2 from 're2';

/**
 * A small Mongo-style query matcher, the kind an app writes to look documents up by a JSON filter.
 * The vulnerable login passes the request body to it as the filter, which is the NoSQL injection:
 * `{"password": {"$ne": null}}` matches every password.
 *
 * Supported: equality on scalars, and on object values the operators $eq, $ne, $gt, $gte, $lt,
 * $lte, $in, $nin, $exists, $regex (with $options i, m, s). Regexes run on RE2, so a hostile
 * pattern cannot stall the target; an invalid or unknown operator matches nothing.
 */

const MAX_PATTERN = 1000;

type Scalar = string | number | boolean | null;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(doc: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(doc, key) ? doc[key] : undefined;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === undefined) return b === null || b === undefined;
  return a === b;
}

function compare(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

function regexMatches(value: unknown, pattern: unknown, options: unknown): boolean {
  if (typeof value !== 'string' || typeof pattern !== 'string' || pattern.length > MAX_PATTERN) return false;
  const flags = typeof options === 'string' ? [...new Set(options.replace(/[^ims]/g, ''))].join('') : '';
  try {
    return new RE2(pattern, flags).test(value);
  } catch {
    return false;
  }
}

function operatorMatches(value: unknown, op: string, arg: unknown, cond: Record<string, unknown>): boolean {
  switch (op) {
    case '$eq':
      return equal(value, arg);
    case '$ne':
      return !equal(value, arg);
    case '$gt': {
      const c = compare(value, arg);
      return c !== null && c > 0;
    }
    case '$gte': {
      const c = compare(value, arg);
      return c !== null && c >= 0;
    }
    case '$lt': {
      const c = compare(value, arg);
      return c !== null && c < 0;
    }
    case '$lte': {
      const c = compare(value, arg);
      return c !== null && c <= 0;
    }
    case '$in':
      return Array.isArray(arg) && arg.some((v) => equal(value, v));
    case '$nin':
      return Array.isArray(arg) && !arg.some((v) => equal(value, v));
    case '$exists':
      return (value !== undefined) === Boolean(arg);
    case '$regex':
      return regexMatches(value, arg, field(cond, '$options'));
    case '$options':
      return true;
    default:
      return false;
  }
}

function conditionMatches(value: unknown, cond: unknown): boolean {
  if (isPlainObject(cond)) {
    const ops = Object.keys(cond);
    if (ops.length === 0 || !ops.every((k) => k.startsWith('$'))) return false;
    return ops.every((op) => operatorMatches(value, op, cond[op], cond));
  }
  if (Array.isArray(cond)) return false;
  return equal(value, cond as Scalar | undefined);
}

/** True when `doc` satisfies every field condition of `filter` (a non-object filter matches nothing). */
export function mongoMatches(doc: Record<string, unknown>, filter: unknown): boolean {
  if (!isPlainObject(filter)) return false;
  for (const key of Object.keys(filter)) {
    if (!conditionMatches(field(doc, key), filter[key])) return false;
  }
  return true;
}

/** The first document matching `filter`, as `collection.findOne(filter)` would return. */
export function findOne<T extends Record<string, unknown>>(docs: readonly T[], filter: unknown): T | undefined {
  for (const doc of docs) if (mongoMatches(doc, filter)) return doc;
  return undefined;
}
