/**
 * auth.unauthenticated-access (REST; GraphQL APIs have their own form in checks/graphql): an
 * operation the API description marks as secured answers a request without credentials with the
 * content a signed-in user gets. The user's successful request from the exploration is replayed
 * without credentials; an answer that is an error, an empty result or a sign-in page is not a
 * finding.
 */
import type { ApiOperation, Exchange, ScanRequest } from '../../model.js';
import type { Check, CheckContext } from '../../check.js';
import {
  brief,
  comparableContent,
  is2xx,
  isEmptyContent,
  isMutating,
  jsonOf,
  locationOf,
  looksLikeLoginPage,
  normalUsers,
  samplesOf,
} from './common.js';
import { UNAUTHENTICATED_INFO } from './info-auth.js';
import { isLoginOperation } from './login-operation.js';
import { pathParams, restRequest } from './rest.js';

function resultOf(ex: Exchange): unknown {
  if (!is2xx(ex) || looksLikeLoginPage(ex)) return undefined;
  const json = jsonOf(ex);
  if (json !== undefined) return json;
  const text = ex.response?.body.trim() ?? '';
  return text === '' ? undefined : text;
}

interface Reference {
  readonly request: ScanRequest;
  readonly user: string;
  readonly exchange: Exchange;
  readonly value: unknown;
}

/** A signed-in user's successful call: an exploration sample, or one built and sent now. */
async function reference(ctx: CheckContext, op: ApiOperation): Promise<Reference | undefined> {
  for (const s of samplesOf(ctx, op)) {
    if (s.user === null) continue;
    const value = resultOf(s.exchange);
    if (value !== undefined && !isEmptyContent(value)) return { request: s.request, user: s.user, exchange: s.exchange, value };
  }
  const user = normalUsers(ctx)[0]?.name ?? ctx.users[0]?.name;
  if (user === undefined || isMutating(ctx.api, op) || !ctx.client.canSend(2)) return undefined;
  if (op.method !== 'GET' || pathParams(op.path).length > 0 || op.parameters.some((p) => p.required)) return undefined;
  const request = restRequest(ctx, op, {});
  if (request === undefined) return undefined;
  const exchange = await ctx.client.send(request, { as: user });
  const value = resultOf(exchange);
  return value === undefined || isEmptyContent(value) ? undefined : { request, user, exchange, value };
}

async function run(ctx: CheckContext): Promise<void> {
  for (const op of ctx.api.operations) {
    if (!op.requiresAuth || isLoginOperation(ctx.api, op) || op.method === 'OPTIONS' || op.method === 'HEAD') continue;
    if (isMutating(ctx.api, op) && (ctx.safe || op.method === 'DELETE')) continue;
    if (!ctx.client.canSend()) return;
    const ref = await reference(ctx, op);
    if (ref === undefined) continue;
    const anon = await ctx.client.send(ref.request);
    const got = resultOf(anon);
    const same = typeof ref.value === 'string' ? got === ref.value : comparableContent(ref.value, got);
    if (got === undefined || !same) continue;
    ctx.report({
      location: locationOf(ctx.api, op),
      detail: `Documented as needing credentials, but a request without any was answered ${anon.response?.status ?? ''} with the same kind of content ${ref.user} gets: ${brief(got, 160)}.`,
      evidence: [ref.exchange, anon],
    });
  }
}

export const unauthenticatedAccessCheck: Check = { ...UNAUTHENTICATED_INFO, appliesTo: 'rest', run };
