/**
 * auth.no-login-rate-limit: ~30 failed logins for one random, non-existent username, sent one
 * after the other. The login is protected when any of them is answered 429/423/503, carries
 * Retry-After or rate-limit headers, says "too many attempts"/"locked", changes status, or when
 * the answers slow down markedly; otherwise it is reported. Real accounts are never touched. Not
 * in --safe mode (a login is a POST).
 */
import type { Exchange } from '../../model.js';
import type { Check, CheckContext } from '../../check.js';
import { graphqlFieldName, locationOf, marker, status } from './common.js';
import { graphqlResult } from './graphql.js';
import { LOGIN_RATE_LIMIT_INFO } from './info-auth.js';
import { findLoginOperation, loginRequest, type LoginOperation } from './login-operation.js';

export const LOGIN_ATTEMPTS = 30;

const LIMITED_STATUS = new Set([429, 423, 503]);
const LIMIT_HEADERS = ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-policy', 'ratelimit', 'x-rate-limit-limit', 'x-rate-limit-remaining'];
const LOCKOUT = /too many|rate[- ]?limit|locked|lockout|temporarily|try again (later|in)|captcha|slow down|throttl|blocked|suspended/i;
/** Says the credentials were checked and refused (not that the request was malformed). */
const FAILURE =
  /\b(invalid|incorrect|wrong|bad|unknown) (username|user|e-?mail|login|credentials?|password)|(username|user|e-?mail|login|credentials?|password)s?( and password)? (is |are )?(invalid|incorrect|wrong|not (valid|correct|match)|do(es)? not match)|(authentication|login|sign[- ]?in) failed|unauthori[sz]ed|access denied|no such user|user not found/i;

function limited(ex: Exchange): string | undefined {
  const r = ex.response;
  if (r === null) return undefined;
  if (LIMITED_STATUS.has(r.status)) return `status ${r.status}`;
  const header = LIMIT_HEADERS.find((h) => r.headers[h] !== undefined);
  if (header !== undefined) return `header ${header}`;
  if (LOCKOUT.test(r.body.slice(0, 4000))) return 'a lockout message';
  return undefined;
}

/** Whether an answer is a refused login (as opposed to a malformed request or a success). */
function failedLogin(ctx: CheckContext, login: LoginOperation, ex: Exchange): boolean {
  const r = ex.response;
  if (r === null) return false;
  if (ctx.api.kind === 'graphql') {
    const g = graphqlResult(ex, graphqlFieldName(login.op));
    // `data.login: null` with an error: the mutation ran and refused (a validation error has no data).
    return g.value === null && g.errors.length > 0;
  }
  if (r.status === 401 || r.status === 403) return true;
  if ([200, 400, 404, 422].includes(r.status)) return FAILURE.test(r.body.slice(0, 4000)) && !/"(access_?|id_?)?token"\s*:\s*"[^"]{8,}/i.test(r.body);
  return false;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)];
}

async function run(ctx: CheckContext): Promise<void> {
  if (ctx.safe) return;
  const login = findLoginOperation(ctx);
  if (login === undefined) {
    ctx.log('auth.no-login-rate-limit found no login operation in the API description; skipped');
    return;
  }
  if (!ctx.client.canSend(LOGIN_ATTEMPTS)) return;
  const name = marker();
  const username = login.userIsEmail ? `${name}@example.com` : name;
  const attempts: Exchange[] = [];
  for (let i = 0; i < LOGIN_ATTEMPTS; i++) {
    const req = loginRequest(ctx, login, username, `${marker()}-Wrong#${i}`);
    if (req === undefined) return;
    const ex = await ctx.client.send(req);
    if (ex.response === null) return;
    if (limited(ex) !== undefined) return;
    if (i === 0) {
      // The attempt must reach the credential check: a success or a validation error proves nothing.
      if (!failedLogin(ctx, login, ex)) return;
    } else if (status(ex) !== status(attempts[0]) || !failedLogin(ctx, login, ex)) {
      return; // a change of answer is a reaction (block, captcha page…): not reported
    }
    attempts.push(ex);
  }
  const times = attempts.map((ex) => ex.response?.timeMs ?? 0);
  const early = median(times.slice(0, 5));
  const late = median(times.slice(-5));
  if (late > early * 3 + 250) return; // growing delays are a brake too
  const seconds = (times.reduce((a, b) => a + b, 0) / 1000).toFixed(1);
  ctx.report({
    location: locationOf(ctx.api, login.op),
    detail: `${LOGIN_ATTEMPTS} failed logins for one non-existent username (${username}) were all answered ${status(attempts[0])} (${seconds} s of server time in total): no 429/423, Retry-After, rate-limit header, lockout message or growing delay.`,
    evidence: [attempts[0], attempts[Math.floor(attempts.length / 2)], attempts[attempts.length - 1]],
  });
}

export const loginRateLimitCheck: Check = { ...LOGIN_RATE_LIMIT_INFO, appliesTo: 'any', run };
