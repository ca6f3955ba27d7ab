import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Content for exactly-once tests: lines carrying a sequence number, a parser that reads it and a
 * trigger scenario that makes one alert per line (grouped by the number), so counting the alerts'
 * numbers shows every line was counted once. Lines have the type `seqtest`.
 */
export function seqLine(n: number): string {
  return `seq=${String(n).padStart(6, '0')} ip=203.0.113.${(n % 250) + 1} payload ${'x'.repeat(n % 40)}\n`;
}

/** Writes `<dir>/content` (use `content: { dirs: [content] }`); `remediation` is the scenario's label. */
export function writeSeqContent(dir: string, opts: { remediation: boolean }): void {
  mkdirSync(join(dir, 'content/parsers/s01-parse'), { recursive: true });
  mkdirSync(join(dir, 'content/scenarios'), { recursive: true });
  writeFileSync(
    join(dir, 'content/parsers/s01-parse/seq.yaml'),
    `filter: "evt.Parsed.program == 'seqtest'"
onsuccess: next_stage
name: test/seq
description: "test lines with a sequence number"
grok:
  pattern: '^seq=%{INT:seq} ip=%{IP:ip}'
  apply_on: message
statics:
  - meta: log_type
    value: seqtest
  - meta: source_ip
    expression: evt.Parsed.ip
  - meta: seq
    expression: evt.Parsed.seq
`,
  );
  writeFileSync(
    join(dir, 'content/scenarios/seq.yaml'),
    `type: trigger
name: test/one-alert-per-line
description: "one alert for every line"
filter: "evt.Meta.log_type == 'seqtest'"
groupby: evt.Parsed.seq
labels:
  remediation: ${opts.remediation}
`,
  );
}
