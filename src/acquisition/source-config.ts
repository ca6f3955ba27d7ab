import { z } from 'zod';
import { HerdError, type Clock, type Logger } from '../core/index.js';
import { parseGoDuration } from '../expr/index.js';
import type { Cursor } from './line.js';
import type { LineSource } from './source.js';
import { createFileSource } from './file-source.js';
import { createJournaldSource } from './journald-source.js';
import { createSyslogSource } from './syslog-source.js';
import { compileGlob } from './glob.js';

/**
 * Acquisition entries in CrowdSec's acquis.yaml shape (`source: file | journalctl | syslog`, with
 * its keys: `filenames`, `journalctl_filter`, `listen_addr`, …, and `labels` with a `type`),
 * plus a few of herd's own (`start_at`, `poll_interval`, …). Validated completely at start-up;
 * an error names the key and says what would be valid.
 */

/** Label values as YAML may write them (`type: 123`), kept as text like CrowdSec does. */
const labelValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const labels = z
  .record(z.string(), labelValue)
  .refine((l) => typeof l.type === 'string' && l.type.length > 0, { message: "needs a 'type' label (e.g. type: nginx): it picks the parsers" });

/** Go-style durations as CrowdSec writes them: `250ms`, `1s`, `1m30s`, `2h`. */
const duration = z.union([z.number().nonnegative(), z.string()], { error: 'expected a duration such as 500ms, 1s, 1m30s' }).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : parseDuration(v);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `'${String(v)}' is not a duration; write e.g. 500ms, 1s, 1m30s` });
    return z.NEVER;
  }
  return ms;
});

const common = {
  labels,
  /** A name for metrics and logs. */
  name: z.string().min(1).optional(),
  /** Accepted for compatibility; herd's log level is global. */
  log_level: z.string().optional(),
  /** Only `tail` (follow): reading a file once is `herd replay`. */
  mode: z.literal('tail').optional(),
  /** Accepted for compatibility with CrowdSec; herd always uses the time of reading when following. */
  use_time_machine: z.boolean().optional(),
};

const fileSchema = z
  .strictObject({
    source: z.literal('file'),
    filenames: z.array(z.string().min(1)).min(1).optional(),
    filename: z.string().min(1).optional(),
    start_at: z.enum(['end', 'beginning']).optional(),
    poll_interval: duration.optional(),
    poll_without_inotify: z.boolean().optional(),
    rotate_grace: duration.optional(),
    max_line_bytes: z.number().int().min(256).max(16 * 1024 * 1024).optional(),
    ...common,
  })
  .refine((c) => c.filenames !== undefined || c.filename !== undefined, { message: 'needs filenames (a list of paths or globs) or filename', path: ['filenames'] });

const journalSchema = z.strictObject({
  source: z.literal('journalctl'),
  journalctl_filter: z.array(z.string().min(1)),
  since: z.string().min(1).optional(),
  journalctl_path: z.string().min(1).optional(),
  journalctl_args: z.array(z.string()).optional(),
  utc: z.boolean().optional(),
  ...common,
});

const syslogSchema = z.strictObject({
  source: z.literal('syslog'),
  listen_addr: z.string().min(1).optional(),
  listen_port: z.number().int().min(0).max(65535).optional(),
  protocol: z.enum(['udp', 'tcp']).optional(),
  max_message_len: z.number().int().min(64).max(16 * 1024 * 1024).optional(),
  max_connections: z.number().int().min(1).optional(),
  idle_timeout: duration.optional(),
  utc: z.boolean().optional(),
  ...common,
});

export type FileAcquisition = z.output<typeof fileSchema>;
export type JournalctlAcquisition = z.output<typeof journalSchema>;
export type SyslogAcquisition = z.output<typeof syslogSchema>;
export type AcquisitionConfig = FileAcquisition | JournalctlAcquisition | SyslogAcquisition;

const SCHEMAS = { file: fileSchema, journalctl: journalSchema, syslog: syslogSchema } as const;

/**
 * Validates one acquisition entry. `where` (e.g. `/etc/herd/acquis.yaml:12`) is put in front of
 * the message. Throws HERD_ACQUIS_CONFIG naming the key at fault.
 */
export function parseAcquisition(raw: unknown, where?: string): AcquisitionConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new HerdError('HERD_ACQUIS_CONFIG', 'an acquisition entry must be a mapping with a source key (file, journalctl or syslog)', { where });
  }
  const source = (raw as Record<string, unknown>).source;
  if (source !== 'file' && source !== 'journalctl' && source !== 'syslog') {
    const what = source === undefined ? 'is missing' : `'${String(source)}' is not supported`;
    throw new HerdError('HERD_ACQUIS_CONFIG', `key 'source' ${what}; use file, journalctl or syslog`, { where });
  }
  const schema = SCHEMAS[source];
  const result = schema.safeParse(raw);
  if (!result.success) {
    const msgs = result.error.issues.map((i) => describeIssue(source, i, schema.keyof().options));
    throw new HerdError('HERD_ACQUIS_CONFIG', `${source} source: ${msgs.join('; ')}`, { where });
  }
  const config = result.data;
  if (config.source === 'file') {
    for (const f of [...(config.filenames ?? []), ...(config.filename !== undefined ? [config.filename] : [])]) {
      try {
        compileGlob(f);
      } catch (err) {
        throw new HerdError('HERD_ACQUIS_CONFIG', `file source: key 'filenames': ${(err as Error).message}`, { where });
      }
    }
  }
  return config;
}

function describeIssue(source: string, issue: z.core.$ZodIssue, allowed: readonly string[]): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')} (a ${source} source accepts ${allowed.join(', ')})`;
  }
  const key = issue.path.length > 0 ? issue.path.map(String).join('.') : 'entry';
  return `key '${key}': ${issue.message}`;
}

export interface SourceDeps {
  /** Saved cursors from the store; each source takes the ones that are its own. */
  cursors?: Iterable<Cursor>;
  clock?: Clock;
  logger?: Logger;
}

/** Builds the source an entry describes (validating it first when it is raw). */
export function createSource(entry: unknown, deps: SourceDeps = {}, where?: string): LineSource {
  const config = parseAcquisition(entry, where);
  const cursors = [...(deps.cursors ?? [])];
  const labels = config.labels;
  switch (config.source) {
    case 'file':
      return createFileSource({
        filenames: [...(config.filenames ?? []), ...(config.filename !== undefined ? [config.filename] : [])],
        labels,
        cursors: cursors.filter((c) => c.token === undefined),
        startAt: config.start_at,
        pollIntervalMs: config.poll_interval,
        watch: config.poll_without_inotify !== true,
        rotateGraceMs: config.rotate_grace,
        maxLineBytes: config.max_line_bytes,
        name: config.name,
        clock: deps.clock,
        logger: deps.logger,
      });
    case 'journalctl': {
      const key = `journalctl:${config.journalctl_filter.join(' ')}`;
      return createJournaldSource({
        filters: config.journalctl_filter,
        labels,
        key,
        cursor: cursors.find((c) => c.key === key && c.token !== undefined),
        since: config.since,
        command: config.journalctl_path,
        extraArgs: config.journalctl_args,
        utc: config.utc,
        name: config.name,
        clock: deps.clock,
        logger: deps.logger,
      });
    }
    case 'syslog':
      return createSyslogSource({
        host: config.listen_addr,
        port: config.listen_port,
        protocol: config.protocol,
        labels,
        maxMessageBytes: config.max_message_len,
        maxConnections: config.max_connections,
        idleTimeoutMs: config.idle_timeout,
        utc: config.utc,
        name: config.name,
        clock: deps.clock,
        logger: deps.logger,
      });
  }
}

/** `1m30s` → 90000 (Go's time.ParseDuration, in milliseconds); null when it is not a duration. */
export function parseDuration(s: string): number | null {
  const ns = parseGoDuration(s);
  return ns === null || ns < 0 ? null : ns / 1e6;
}
