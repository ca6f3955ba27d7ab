/**
 * The resolvers of both variants. The code is shared; each place where the vulnerable variant goes
 * wrong is a `vulnerable ? … : …` marked with the scanner check that should notice it.
 */
import { defaultFieldResolver, isNonNullType, type GraphQLFieldResolver, type GraphQLResolveInfo } from 'graphql';
import { SignJWT } from 'jose';
import type { TargetVariant } from '../types.js';
import type { OrderRow, ProductRow, ProfileChanges, ShopStore, UserRow } from './store.js';

/** An error the API means to show its caller (the fixed variant masks every other error). */
export class ClientError extends Error {
  constructor(
    message: string,
    readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'TOO_EXPENSIVE' | 'RATE_LIMITED',
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

/** What every resolver of one HTTP request shares. */
export interface RequestContext {
  readonly variant: TargetVariant;
  readonly store: ShopStore;
  readonly secret: Uint8Array;
  /** The caller (from the bearer token), or null. */
  readonly viewer: UserRow | null;
  /** Fields resolved so far in this HTTP request (all operations of a batch together). */
  resolved: number;
  /** Failed logins per username (times, ms), kept by the server: the fixed twin's login limit. */
  readonly loginFailures: Map<string, number[]>;
}

/** The fixed twin's login limit: this many failures per username within the window. */
export const LOGIN_MAX_FAILURES = 10;
export const LOGIN_WINDOW_MS = 60_000;

/**
 * Both variants stop resolving after this many fields in one HTTP request, so that alias, depth and
 * batch abuse shows (the vulnerable variant executes it) without taking the test machine down.
 */
export const FIELD_BUDGET = 100_000;

type Args = Readonly<Record<string, unknown>>;
type Resolver<S> = (source: S, args: Args, ctx: RequestContext, info: GraphQLResolveInfo) => unknown;

const UNAUTHENTICATED = 'unauthenticated: log in with the login mutation and send Authorization: Bearer <token>';

function requireViewer(ctx: RequestContext): UserRow {
  if (ctx.viewer === null) throw new ClientError(UNAUTHENTICATED, 'UNAUTHENTICATED');
  return ctx.viewer;
}

function isAdmin(ctx: RequestContext): boolean {
  return ctx.viewer?.role === 'admin';
}

function notFound(what: string): ClientError {
  return new ClientError(`not found: no ${what} with this id`, 'NOT_FOUND');
}

/**
 * Row ids arrive as GraphQL IDs (strings). A non-numeric id throws an unexpected error on purpose:
 * the vulnerable variant shows it with its stack trace (graphql.debug-errors), the fixed one masks it.
 */
function rowId(raw: unknown): number {
  const text = String(raw);
  if (!/^[0-9]{1,15}$/.test(text)) throw new TypeError(`rowId: cannot convert ${JSON.stringify(text)} to an integer row id`);
  return Number(text);
}

function optionalString(args: Args, name: string): string | undefined {
  const v = args[name];
  return typeof v === 'string' ? v : undefined;
}

function optionalInt(args: Args, name: string): number | undefined {
  const v = args[name];
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

function checkQuantity(q: number | undefined): number | undefined {
  if (q !== undefined && (q < 1 || q > 100)) throw new ClientError('quantity must be between 1 and 100', 'BAD_USER_INPUT');
  return q;
}

function checkAddress(a: string | undefined): string | undefined {
  if (a !== undefined && a.length > 200) throw new ClientError('shippingAddress must be at most 200 characters', 'BAD_USER_INPUT');
  return a;
}

function adminOnly(ctx: RequestContext): void {
  requireViewer(ctx);
  if (!isAdmin(ctx)) throw new ClientError('forbidden: administrators only', 'FORBIDDEN');
}

function profileChanges(input: unknown, ctx: RequestContext): ProfileChanges {
  const fields = (typeof input === 'object' && input !== null ? input : {}) as Args;
  const name = optionalString(fields, 'name');
  const email = optionalString(fields, 'email');
  const role = optionalString(fields, 'role');
  if (name !== undefined && (name.length < 1 || name.length > 100)) {
    throw new ClientError('name must be 1 to 100 characters', 'BAD_USER_INPUT');
  }
  if (email !== undefined && !/^[^@\s]{1,64}@[^@\s]{1,190}$/.test(email)) {
    throw new ClientError('email must look like name@domain', 'BAD_USER_INPUT');
  }
  if (role !== undefined && role !== 'user' && role !== 'admin') {
    throw new ClientError('role must be "user" or "admin"', 'BAD_USER_INPUT');
  }
  // authz.mass-assignment: the vulnerable variant applies `role` from anyone; the fixed one only
  // from an administrator and ignores it otherwise.
  const applyRole = ctx.variant === 'vulnerable' || isAdmin(ctx);
  return {
    ...(name !== undefined ? { name } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(role !== undefined && applyRole ? { role } : {}),
  };
}

const Query: Record<string, Resolver<unknown>> = {
  me: (_s, _a, ctx) => ctx.viewer,
  user: (_s, args, ctx) => {
    requireViewer(ctx);
    const row = ctx.store.userById(rowId(args.id));
    if (row === undefined) throw notFound('user');
    return row;
  },
  users: (_s, _a, ctx) => {
    requireViewer(ctx);
    // authz.bfla: the vulnerable variant lists every user for any logged-in user.
    if (ctx.variant === 'fixed') adminOnly(ctx);
    return ctx.store.allUsers();
  },
  order: (_s, args, ctx) => {
    const viewer = requireViewer(ctx);
    const row = ctx.store.orderById(rowId(args.id));
    // authz.bola: the vulnerable variant returns any user's order.
    if (row === undefined || (ctx.variant === 'fixed' && row.ownerId !== viewer.id)) throw notFound('order');
    return row;
  },
  orders: (_s, _a, ctx) => {
    // auth.unauthenticated-access: without a token the vulnerable variant answers with every order.
    if (ctx.viewer === null && ctx.variant === 'vulnerable') return ctx.store.allOrders();
    return ctx.store.ordersOf(requireViewer(ctx).id);
  },
  products: (_s, args, ctx) => {
    const search = optionalString(args, 'search') ?? null;
    const limit = Math.min(Math.max(optionalInt(args, 'limit') ?? 20, 0), 100);
    const offset = Math.min(Math.max(optionalInt(args, 'offset') ?? 0, 0), 1_000_000);
    // injection.sql: the vulnerable variant builds the SQL text from `search`.
    return ctx.variant === 'vulnerable'
      ? ctx.store.searchProductsUnsafe(search, limit, offset)
      : ctx.store.searchProducts(search, limit, offset);
  },
  product: (_s, args, ctx) => {
    const row = ctx.store.productById(rowId(args.id));
    if (row === undefined) throw notFound('product');
    return row;
  },
};

const Mutation: Record<string, Resolver<unknown>> = {
  login: async (_s, args, ctx) => {
    const username = String(args.username);
    const now = Date.now();
    const failures = (ctx.loginFailures.get(username) ?? []).filter((t) => t > now - LOGIN_WINDOW_MS);
    if (ctx.variant === 'fixed' && failures.length >= LOGIN_MAX_FAILURES) {
      throw new ClientError('too many failed logins for this username: try again later', 'RATE_LIMITED');
    }
    const row = ctx.store.authenticate(username, String(args.password));
    if (row === undefined) {
      failures.push(now);
      ctx.loginFailures.delete(username);
      ctx.loginFailures.set(username, failures);
      // Bounded memory: the oldest usernames are forgotten first.
      if (ctx.loginFailures.size > 10_000) ctx.loginFailures.delete(ctx.loginFailures.keys().next().value as string);
      throw new ClientError('invalid username or password', 'UNAUTHENTICATED');
    }
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(row.id))
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(ctx.secret);
    return { token, user: row };
  },
  createOrder: (_s, args, ctx) => {
    const viewer = requireViewer(ctx);
    const quantity = checkQuantity(optionalInt(args, 'quantity')) ?? 1;
    const address = checkAddress(optionalString(args, 'shippingAddress')) ?? null;
    const row = ctx.store.insertOrder(viewer.id, rowId(args.productId), quantity, address);
    if (row === undefined) throw notFound('product');
    return row;
  },
  updateOrder: (_s, args, ctx) => {
    const viewer = requireViewer(ctx);
    const id = rowId(args.id);
    const quantity = checkQuantity(optionalInt(args, 'quantity'));
    const address = checkAddress(optionalString(args, 'shippingAddress'));
    const current = ctx.store.orderById(id);
    // authz.bola: the vulnerable variant changes any user's order.
    if (current === undefined || (ctx.variant === 'fixed' && current.ownerId !== viewer.id)) throw notFound('order');
    return ctx.store.updateOrder(id, quantity, address);
  },
  updateProfile: (_s, args, ctx) => {
    const viewer = requireViewer(ctx);
    return ctx.store.updateUser(viewer.id, profileChanges(args.input, ctx));
  },
  deleteUser: (_s, args, ctx) => {
    requireViewer(ctx);
    // authz.bfla: the vulnerable variant lets any logged-in user delete users.
    if (ctx.variant === 'fixed') adminOnly(ctx);
    if (!ctx.store.deleteUser(rowId(args.id))) throw notFound('user');
    return true;
  },
};

function selfOrAdmin(row: UserRow, ctx: RequestContext): boolean {
  return ctx.viewer !== null && (ctx.viewer.id === row.id || ctx.viewer.role === 'admin');
}

/** data.excessive-exposure: the vulnerable variant shows secrets to anyone who can read the user. */
function secretField(pick: (row: UserRow) => string): Resolver<UserRow> {
  return (row, _a, ctx) => {
    if (ctx.variant === 'fixed' && !isAdmin(ctx)) throw new ClientError('forbidden: administrators only', 'FORBIDDEN');
    return pick(row);
  };
}

const User: Record<string, Resolver<UserRow>> = {
  email: (row, _a, ctx) => (selfOrAdmin(row, ctx) ? row.email : null),
  orders: (row, _a, ctx) => {
    if (!selfOrAdmin(row, ctx)) throw new ClientError("forbidden: only the user and administrators see a user's orders", 'FORBIDDEN');
    return ctx.store.ordersOf(row.id);
  },
  passwordHash: secretField((row) => row.passwordHash),
  apiKey: secretField((row) => row.apiKey),
};

const Order: Record<string, Resolver<OrderRow>> = {
  owner: (row, _a, ctx) => ctx.store.userById(row.ownerId) ?? null,
  product: (row, _a, ctx) => ctx.store.productById(row.productId) ?? null,
};

const RESOLVERS: Readonly<Record<string, Readonly<Record<string, Resolver<never>>>>> = {
  Query,
  Mutation,
  User,
  Order,
  Product: {} satisfies Record<string, Resolver<ProductRow>>,
};

const BUDGET_EXCEEDED = new ClientError(`too expensive: this request resolves more than ${FIELD_BUDGET} fields`, 'TOO_EXPENSIVE');

/**
 * The one field resolver given to `execute`: counts the field against the request's budget, then
 * calls the type's resolver or reads the property. Past the budget, nullable fields resolve to null
 * without a new error (one shared error for non-null ones), so that a huge query costs little more
 * than its budget; the HTTP layer then answers with the budget error alone.
 */
export const fieldResolver: GraphQLFieldResolver<unknown, RequestContext> = (source, args, ctx, info) => {
  ctx.resolved += 1;
  if (ctx.resolved > FIELD_BUDGET) {
    if (isNonNullType(info.returnType)) throw BUDGET_EXCEEDED;
    return null;
  }
  const resolver = RESOLVERS[info.parentType.name]?.[info.fieldName] as Resolver<unknown> | undefined;
  if (resolver === undefined) return defaultFieldResolver(source, args, ctx, info);
  return resolver(source, args as Args, ctx, info);
};

export function budgetExceeded(ctx: RequestContext): ClientError | null {
  return ctx.resolved > FIELD_BUDGET ? BUDGET_EXCEEDED : null;
}
