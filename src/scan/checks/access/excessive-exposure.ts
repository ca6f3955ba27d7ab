/**
 * data.excessive-exposure (REST; GraphQL APIs have their own form in checks/graphql): responses
 * carry secrets (password hashes, API keys, reset tokens, card numbers…). Reads the exploration's
 * responses of every user except administrators (who may be meant to see more) and of anonymous
 * callers, without sending anything. One finding per operation and field name, the value masked.
 */
import type { Exchange } from '../../model.js';
import type { Check, CheckContext } from '../../check.js';
import { adminUsers, jsonOf, locationOf } from './common.js';
import { EXPOSURE_INFO } from './info-authz.js';
import { isLoginOperation } from './login-operation.js';
import { findSensitive, type SensitiveHit } from './sensitive-data.js';

const REFRESH = /refresh|token|session/i;

class Reporter {
  private readonly seen = new Set<string>();
  constructor(private readonly ctx: CheckContext) {}

  hits(defaultLocation: string, hits: readonly SensitiveHit[], who: string, exchange: Exchange): void {
    for (const hit of hits) {
      const location = defaultLocation;
      const key = hit.field;
      const id = `${location}\u0000${key}`;
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      this.ctx.report({
        location,
        key,
        severity: hit.severity,
        detail: `The answer to ${who} carries \`${hit.field}\` (${hit.category}: ${hit.masked}) at ${hit.path}.`,
        evidence: [exchange],
      });
    }
  }
}

function fromSamples(ctx: CheckContext, reporter: Reporter): void {
  const admins = new Set(adminUsers(ctx).map((u) => u.name));
  for (const samples of ctx.samples.values()) {
    for (const s of samples) {
      if (s.user !== null && admins.has(s.user)) continue;
      const op = s.operation;
      const options = {
        ownToken: s.user === null ? undefined : ctx.client.tokenOf(s.user),
        authOperation: isLoginOperation(ctx.api, op) || (op.method === 'POST' && REFRESH.test(op.path)),
      };
      const who = s.user ?? 'an anonymous caller';
      reporter.hits(locationOf(ctx.api, op), findSensitive(s.json ?? jsonOf(s.exchange), options), who, s.exchange);
    }
  }
}

async function run(ctx: CheckContext): Promise<void> {
  fromSamples(ctx, new Reporter(ctx));
}

export const excessiveExposureCheck: Check = { ...EXPOSURE_INFO, appliesTo: 'rest', run };
