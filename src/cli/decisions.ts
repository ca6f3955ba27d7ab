import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { openHerdStore } from '../agent/index.js';
import { HerdError } from '../core/index.js';
import type { Decision } from '../decisions/index.js';
import { formatGoDuration, GoTime, parseGoDuration } from '../expr/index.js';
import { parseIP, parseRange } from '../ip/index.js';
import type { DecisionQuery } from '../store/index.js';
import { cliContext } from './context.js';
import { registerDecisionsImport } from './decisions-import.js';
import { clip, formatTable, printJson } from './table.js';

/** `herd decisions list|add|delete`, like `cscli decisions`. */

/** Time left, in Go's duration format rounded to the second (`3h59m58s`). */
export function timeLeft(until: number, now: number): string {
  const ms = Math.max(0, until - now);
  return formatGoDuration(Math.round(ms / 1000) * 1e9);
}

export function decisionJson(d: Decision, now: number) {
  return {
    id: d.id,
    uuid: d.uuid,
    origin: d.origin,
    type: d.type,
    scope: d.scope,
    value: d.value,
    scenario: d.scenario,
    duration: timeLeft(d.until, now),
    until: GoTime.fromMillis(d.until).MarshalText(),
    created_at: GoTime.fromMillis(d.createdAt).MarshalText(),
    simulated: d.simulated,
    alert_id: d.alertId,
  };
}

interface TargetOpts {
  ip?: string;
  range?: string;
  scope?: string;
  value?: string;
}

function targetQuery(o: TargetOpts): Partial<DecisionQuery> {
  if (o.ip !== undefined && !parseIP(o.ip)) throw new HerdError('HERD_CLI_ARG', `--ip '${o.ip}' is not an IP address`);
  if (o.range !== undefined && !parseRange(o.range)) throw new HerdError('HERD_CLI_ARG', `--range '${o.range}' is not a CIDR range`);
  const q: Partial<DecisionQuery> = {};
  if (o.ip !== undefined) q.ip = o.ip;
  if (o.range !== undefined) q.range = o.range;
  if (o.scope !== undefined) q.scope = o.scope;
  if (o.value !== undefined) q.value = o.value;
  return q;
}

export function registerDecisions(program: Command): void {
  const decisions = program.command('decisions').description('list, add and delete decisions (bans, captchas, …)');

  decisions
    .command('list')
    .description('list active decisions (time left in Go duration format)')
    .option('-i, --ip <ip>', 'decisions on this IP, or on a range containing it')
    .option('-r, --range <cidr>', 'decisions on this range or inside it')
    .option('--scope <scope>', 'decisions of this scope (Ip, Range, …)')
    .option('-v, --value <value>', 'decisions on exactly this value')
    .option('-t, --type <type>', 'decisions of this type (ban, captcha, …)')
    .option('--origin <origin>', 'decisions of this origin (crowdsec, cscli, …)')
    .option('-s, --scenario <name>', 'decisions made by this scenario')
    .option('-a, --all', 'include expired decisions')
    .option('-l, --limit <n>', 'at most this many (newest first)', (v) => Number.parseInt(v, 10))
    .option('--json', 'print a JSON array')
    .action(async (opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      const store = await openHerdStore(ctx.config, { clock: ctx.clock });
      try {
        const now = ctx.clock.now();
        const q: DecisionQuery = { ...targetQuery(opts), order: 'desc' };
        if (opts.ip) q.contains = true;
        if (!opts.all) q.activeAt = now;
        if (opts.type) q.type = opts.type;
        if (opts.origin) q.origin = opts.origin;
        if (opts.scenario) q.scenario = opts.scenario;
        if (opts.limit) q.limit = opts.limit;
        const list = await store.listDecisions(q);
        if (opts.json) return printJson(list.map((d) => decisionJson(d, now)));
        if (list.length === 0) return void process.stdout.write('No active decisions.\n');
        const rows = list.map((d) => [String(d.id), d.origin, `${d.scope}:${d.value}`, clip(d.scenario, 48), d.type, timeLeft(d.until, now), d.alertId ? String(d.alertId) : '', d.simulated ? 'yes' : '']);
        process.stdout.write(formatTable(['ID', 'Source', 'Scope:Value', 'Reason', 'Action', 'Expiration', 'Alert ID', 'Simulated'], rows) + '\n');
      } finally {
        await store.close();
      }
    });

  decisions
    .command('add')
    .description('add a decision by hand (origin cscli, as CrowdSec names manual decisions)')
    .option('-i, --ip <ip>', 'the IP to act on')
    .option('-r, --range <cidr>', 'the range to act on')
    .option('--scope <scope>', 'another scope (with --value), e.g. AS or Country')
    .option('-v, --value <value>', 'the value for --scope')
    .option('-d, --duration <duration>', 'how long (Go duration)', '4h')
    .option('-t, --type <type>', 'ban, captcha, or a custom remediation', 'ban')
    .option('-R, --reason <text>', 'why (shown as the scenario)')
    .option('--json', 'print the decision as JSON')
    .action(async (opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      const given = [opts.ip, opts.range, opts.value].filter((x) => x !== undefined).length;
      if (given !== 1) throw new HerdError('HERD_CLI_ARG', 'give exactly one of --ip, --range or --scope with --value');
      targetQuery(opts);
      const ns = parseGoDuration(opts.duration);
      if (ns === null || ns <= 0) throw new HerdError('HERD_CLI_ARG', `--duration '${opts.duration}' is not a positive Go duration (e.g. 4h, 90m, 30s)`);
      const scope = opts.ip ? 'Ip' : opts.range ? 'Range' : String(opts.scope ?? '');
      if (!scope) throw new HerdError('HERD_CLI_ARG', '--value needs --scope');
      const value = String(opts.ip ?? opts.range ?? opts.value);
      const now = ctx.clock.now();
      const decision: Decision = {
        id: 0,
        uuid: randomUUID(),
        origin: 'cscli',
        type: opts.type,
        scope,
        value,
        scenario: opts.reason ?? `manual '${opts.type}' from 'herd'`,
        simulated: false,
        createdAt: now,
        until: now + ns / 1e6,
        alertId: 0,
      };
      const store = await openHerdStore(ctx.config, { clock: ctx.clock });
      try {
        const { decisionIds } = await store.commit({ decisions: [decision] });
        decision.id = decisionIds[0]!;
        if (opts.json) printJson(decisionJson(decision, now));
        else process.stdout.write(`Decision ${decision.id} added: ${decision.type} on ${scope}:${value} for ${opts.duration}.\n`);
      } finally {
        await store.close();
      }
    });

  decisions
    .command('delete')
    .description('delete decisions (they expire now; bouncers see them as deleted)')
    .option('-i, --ip <ip>', 'decisions on this IP')
    .option('-r, --range <cidr>', 'decisions on this range')
    .option('--scope <scope>', 'decisions of this scope')
    .option('-v, --value <value>', 'decisions on this value')
    .option('--id <id>', 'the decision with this id', (v) => Number.parseInt(v, 10))
    .option('-t, --type <type>', 'decisions of this type')
    .option('--origin <origin>', 'decisions of this origin')
    .option('-s, --scenario <name>', 'decisions made by this scenario')
    .option('--all', 'every active decision')
    .option('--json', 'print {"deleted": N}')
    .action(async (opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      const q: DecisionQuery & { id?: number } = { ...targetQuery(opts) };
      if (opts.id !== undefined) {
        if (!Number.isInteger(opts.id) || opts.id <= 0) throw new HerdError('HERD_CLI_ARG', '--id must be a positive integer');
        q.id = opts.id;
      }
      if (opts.type) q.type = opts.type;
      if (opts.origin) q.origin = opts.origin;
      if (opts.scenario) q.scenario = opts.scenario;
      if (Object.keys(q).length === 0 && !opts.all) {
        throw new HerdError('HERD_CLI_ARG', 'say which decisions: --ip, --range, --id, --scope/--value, --type, --origin, --scenario, or --all');
      }
      const store = await openHerdStore(ctx.config, { clock: ctx.clock });
      try {
        const n = await store.expireDecisions(q, ctx.clock.now());
        if (opts.json) printJson({ deleted: n });
        else process.stdout.write(`${n} decision(s) deleted.\n`);
      } finally {
        await store.close();
      }
    });

  registerDecisionsImport(decisions);
}
