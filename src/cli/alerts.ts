import { Command } from 'commander';
import { openHerdStore } from '../agent/index.js';
import { HerdError } from '../core/index.js';
import { GoTime, parseGoDuration } from '../expr/index.js';
import type { AlertQuery, StoredAlert } from '../store/index.js';
import { cliContext } from './context.js';
import { decisionJson } from './decisions.js';
import { clip, formatTable, printJson } from './table.js';

/** `herd alerts list|inspect`, like `cscli alerts`. JSON follows the local API's alert model. */

export function alertJson(a: StoredAlert, now: number) {
  return {
    id: a.id,
    uuid: a.uuid,
    machine_id: a.machineId,
    created_at: GoTime.fromMillis(a.createdAt).MarshalText(),
    scenario: a.scenario,
    scenario_hash: a.scenarioHash,
    scenario_version: a.scenarioVersion,
    message: a.message,
    events_count: a.eventsCount,
    start_at: a.startAt,
    stop_at: a.stopAt,
    capacity: a.capacity,
    leakspeed: a.leakspeed,
    simulated: a.simulated,
    remediation: a.remediation,
    source: {
      scope: a.source.scope,
      value: a.source.value,
      ip: a.source.ip ?? '',
      range: a.source.range ?? '',
      as_number: a.source.asNumber ?? '',
      as_name: a.source.asName ?? '',
      cn: a.source.cn ?? '',
      latitude: a.source.latitude ?? 0,
      longitude: a.source.longitude ?? 0,
    },
    events: a.events.map((e) => ({ timestamp: e.timestamp, meta: e.meta })),
    meta: a.meta,
    labels: a.labels,
    decisions: a.decisions.map((d) => decisionJson(d, now)),
  };
}

export function registerAlerts(program: Command): void {
  const alerts = program.command('alerts').description('list and inspect alerts (scenario overflows)');

  alerts
    .command('list')
    .description('list alerts, newest first')
    .option('-i, --ip <ip>', 'alerts about this IP (or a range containing it)')
    .option('-r, --range <cidr>', 'alerts about this range or inside it')
    .option('-s, --scenario <name>', 'alerts of this scenario')
    .option('--since <duration>', 'alerts of the last <duration> (Go duration, e.g. 4h)')
    .option('-l, --limit <n>', 'at most this many (default 50; 0 for all)', (v) => Number.parseInt(v, 10), 50)
    .option('--json', 'print a JSON array (local API alert model)')
    .action(async (opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      const q: AlertQuery = {};
      if (opts.ip) {
        q.ip = opts.ip;
        q.contains = true;
      }
      if (opts.range) q.range = opts.range;
      if (opts.scenario) q.scenario = opts.scenario;
      if (opts.since) {
        const ns = parseGoDuration(opts.since);
        if (ns === null) throw new HerdError('HERD_CLI_ARG', `--since '${opts.since}' is not a Go duration (e.g. 4h)`);
        q.since = ctx.clock.now() - ns / 1e6;
      }
      if (opts.limit > 0) q.limit = opts.limit;
      const store = await openHerdStore(ctx.config, { clock: ctx.clock });
      try {
        const list = await store.listAlerts(q);
        const now = ctx.clock.now();
        if (opts.json) return printJson(list.map((a) => alertJson(a, now)));
        if (list.length === 0) return void process.stdout.write('No alerts.\n');
        const rows = list.map((a) => [
          String(a.id),
          `${a.source.scope}:${a.source.value}`,
          clip(a.scenario, 40),
          a.source.cn ?? '',
          clip(a.source.asName ?? '', 20),
          a.decisions.map((d) => `${d.type}:${d.id}`).join(' '),
          GoTime.fromMillis(a.createdAt).MarshalText(),
        ]);
        process.stdout.write(formatTable(['ID', 'Value', 'Reason', 'Country', 'AS', 'Decisions', 'Created At'], rows) + '\n');
      } finally {
        await store.close();
      }
    });

  alerts
    .command('inspect')
    .description('show one alert: source, events and decisions')
    .argument('<id>', 'alert id', (v) => Number.parseInt(v, 10))
    .option('--json', 'print JSON (local API alert model)')
    .action(async (id: number, opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      if (!Number.isInteger(id) || id <= 0) throw new HerdError('HERD_CLI_ARG', 'the alert id must be a positive integer');
      const store = await openHerdStore(ctx.config, { clock: ctx.clock });
      try {
        const a = await store.getAlert(id);
        if (!a) throw new HerdError('HERD_NOT_FOUND', `there is no alert ${id}; see herd alerts list`);
        const now = ctx.clock.now();
        if (opts.json) return printJson(alertJson(a, now));
        const out = [
          `Alert ${a.id}`,
          `  Scenario   ${a.scenario} ${a.scenarioVersion ? `(version ${a.scenarioVersion})` : ''}`.trimEnd(),
          `  Message    ${a.message}`,
          `  Source     ${a.source.scope}:${a.source.value}${a.source.cn ? ` (${a.source.cn})` : ''}${a.source.asName ? ` AS ${a.source.asNumber} ${a.source.asName}` : ''}`,
          `  Events     ${a.eventsCount} from ${a.startAt} to ${a.stopAt}`,
          `  Simulated  ${a.simulated ? 'yes' : 'no'}`,
          `  Created    ${GoTime.fromMillis(a.createdAt).MarshalText()}`,
          '',
          'Decisions:',
          a.decisions.length
            ? formatTable(['ID', 'Type', 'Scope:Value', 'Origin', 'Expiration'], a.decisions.map((d) => { const j = decisionJson(d, now); return [String(d.id), d.type, `${d.scope}:${d.value}`, d.origin, j.duration]; }))
            : '  (none)',
          '',
          'Events:',
        ];
        a.events.forEach((e, i) => {
          out.push(`  ${i + 1}. ${e.timestamp}`);
          for (const m of e.meta) out.push(`       ${m.key} = ${clip(m.value, 100)}`);
        });
        process.stdout.write(out.join('\n') + '\n');
      } finally {
        await store.close();
      }
    });
}
