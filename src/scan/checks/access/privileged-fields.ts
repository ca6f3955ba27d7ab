/**
 * Fields that grant privileges or value (role, isAdmin, permissions, verified, balance…) and the
 * value that would escalate one: what the mass-assignment check tries to set.
 */
import { isObject, normalizeName } from './common.js';

/** Always tried when a response shows them: they decide what the caller may do. */
const STRONG = new Set([
  'role', 'roles', 'userrole', 'userroles', 'isadmin', 'admin', 'issuperuser', 'superuser', 'isstaff', 'staff', 'privileges',
  'accesslevel', 'isroot', 'ismoderator', 'authorities',
]);
/**
 * Tried only when the spec marks them readOnly or leaves them out of the request (some APIs let
 * users choose their own groups, scopes or account type on purpose).
 */
const WEAK = new Set([
  'permissions', 'permission', 'scopes', 'scope', 'groups', 'usertype', 'accounttype',
  'verified', 'isverified', 'emailverified', 'phoneverified', 'approved', 'isapproved', 'active', 'isactive', 'enabled', 'locked',
  'balance', 'credit', 'credits', 'points', 'discount', 'plan', 'tier', 'subscription', 'ispremium', 'premium', 'vip', 'trusted',
  'status', 'paid', 'ispaid', 'karma', 'reputation',
]);

export type Strength = 'strong' | 'weak';

export function privilegeOf(name: string): Strength | undefined {
  const n = normalizeName(name);
  if (STRONG.has(n)) return 'strong';
  if (WEAK.has(n)) return 'weak';
  return undefined;
}

const PRIVILEGED_ROLES = ['admin', 'administrator', 'superuser', 'super_admin', 'root', 'owner', 'staff', 'moderator', 'manager'];
const GOOD_STATUS = ['paid', 'approved', 'completed', 'delivered', 'shipped', 'active', 'verified', 'confirmed', 'accepted'];

function enumOf(schema: Readonly<Record<string, unknown>> | undefined): string[] | undefined {
  const e = schema?.enum ?? (isObject(schema?.items) ? schema.items.enum : undefined);
  return Array.isArray(e) ? e.filter((x): x is string => typeof x === 'string') : undefined;
}

/**
 * The value that escalates a field from `current`: true for flags, the most privileged role, an
 * added `admin` entry for lists, a large amount for balances; undefined when there is none.
 */
export function escalatedValue(name: string, current: unknown, schema?: Readonly<Record<string, unknown>>): unknown {
  const n = normalizeName(name);
  const type = typeof schema?.type === 'string' ? schema.type : undefined;
  const enumValues = enumOf(schema);
  // A status is only moved between the values the spec lists (paid, approved…).
  if (n === 'status' && (enumValues === undefined || enumValues.length === 0)) return undefined;
  if (typeof current === 'boolean' || type === 'boolean') {
    if (n === 'locked') return current === true ? false : undefined;
    return current === true ? undefined : true;
  }
  if (Array.isArray(current) || type === 'array') {
    const list = Array.isArray(current) ? current.filter((x) => typeof x === 'string') : [];
    const add = enumValues?.find((v) => PRIVILEGED_ROLES.includes(v.toLowerCase())) ?? (/perm|scope|authorit|privilege/.test(n) ? '*' : 'admin');
    return list.includes(add) ? undefined : [...list, add];
  }
  if (typeof current === 'number' || type === 'integer' || type === 'number') {
    const big = 1_000_000;
    return current === big ? big + 1 : big;
  }
  if (isObject(current)) return undefined;
  const cur = typeof current === 'string' ? current : undefined;
  if (enumValues !== undefined && enumValues.length > 0) {
    const preferred = n === 'status' ? GOOD_STATUS : PRIVILEGED_ROLES.concat(['premium', 'enterprise', 'pro', 'gold', 'platinum', 'business']);
    const hit = preferred.map((p) => enumValues.find((v) => v.toLowerCase() === p)).find((v) => v !== undefined && v !== cur);
    if (hit !== undefined) return hit;
    // A role list without a privileged value (buyer/seller) may be the user's own choice; plans and
    // tiers usually list the best last.
    return /plan|tier|subscription|level/.test(n) ? enumValues.filter((v) => v !== cur).pop() : undefined;
  }
  if (/plan|tier|subscription/.test(n)) return cur === 'enterprise' ? 'premium' : 'enterprise';
  return cur === 'admin' ? undefined : 'admin';
}
