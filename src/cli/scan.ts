import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command } from 'commander';
import { HerdError } from '../core/index.js';
import {
  allChecks,
  diffReports,
  gate,
  readReport,
  readScanConfig,
  runScan,
  scoreOf,
  selectChecks,
  SEVERITIES,
  toHtml,
  toJson,
  toJunit,
  toMarkdown,
  toSarif,
  type FailOn,
  type ScanConfig,
  type ScanProgress,
  type ScanResult,
  type UserConfig,
} from '../scan/index.js';

/**
 * `herd scan`: attacks a running API (OpenAPI/Swagger or GraphQL) with the scanner's checks and
 * writes CI reports. Exit codes: 0 no new finding at or above --fail-on; 1 the gate failed; 2 a
 * usage or configuration error (the main handler maps HerdError to 2).
 */

interface ScanFlags {
  url?: string;
  openapi?: string;
  graphql?: string;
  sdl?: string;
  file?: string;
  bearer?: string;
  safe?: boolean;
  budget?: string;
  rate?: string;
  concurrency?: string;
  timeout?: string;
  checks?: string;
  exclude?: string;
  failOn: string;
  baseline?: string;
  diff?: string;
  sarif?: string;
  sarifSpecUri?: string;
  junit?: string;
  json?: string;
  markdown?: string;
  html?: string;
  quiet?: boolean;
}

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new HerdError('HERD_CLI_ARG', `${flag} ${v}: give a positive whole number`);
  return n;
}

function list(v: string | undefined): string[] | undefined {
  return v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function readBaseline(file: string): ScanResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new HerdError('HERD_CLI_ARG', `${file}: ${err instanceof Error ? err.message : String(err)}; give a JSON report written by herd scan --json`);
  }
  return readReport(text);
}

export function registerScan(program: Command, version: string): void {
  program
    .command('scan')
    .description('scan a running API for security flaws (OpenAPI/Swagger or GraphQL) and write CI reports')
    .option('--url <url>', "the API's base URL (requests never leave its origin)")
    .option('--openapi <file|url>', 'OpenAPI 3.x or Swagger 2.0 description (default: discovered at well-known paths)')
    .option('--graphql <endpoint>', 'scan a GraphQL API at this path (e.g. /graphql)')
    .option('--sdl <file>', 'GraphQL schema (SDL) when introspection is disabled')
    .option('-f, --file <scan.yaml>', 'scan configuration: url, users and their credentials, limits (see README)')
    .option('--bearer <token>', 'one user authenticated with this bearer token')
    .option('--safe', 'send no mutating request (only GET, HEAD, OPTIONS)')
    .option('--budget <n>', 'most requests to send (default 10000)')
    .option('--rate <n>', 'most requests per second (default: no limit)')
    .option('--concurrency <n>', 'requests in flight (default 4)')
    .option('--timeout <ms>', 'per request, headers and body (default 10000)')
    .option('--checks <ids>', 'run only these checks (comma-separated ids or prefixes: authz,injection.sql)')
    .option('--exclude <ids>', 'skip these checks (ids or prefixes)')
    .option('--fail-on <severity>', `exit 1 when a new finding is at or above: ${SEVERITIES.join('|')}|none`, 'high')
    .option('--baseline <report.json>', 'findings accepted earlier (a --json report): only new ones fail the gate')
    .option('--diff <report.json>', 'print what changed since this earlier --json report')
    .option('--sarif <file>', 'write SARIF 2.1.0 (GitHub code scanning)')
    .option('--sarif-spec-uri <path>', "the description's path in the repository, for SARIF locations")
    .option('--junit <file>', 'write JUnit XML')
    .option('--json <file>', 'write the JSON report (baseline and --diff input)')
    .option('--markdown <file>', 'write a Markdown summary (e.g. $GITHUB_STEP_SUMMARY)')
    .option('--html <file>', 'write a self-contained HTML report')
    .option('--quiet', 'no progress on stderr')
    .action(async (flags: ScanFlags) => {
      try {
        await scan(flags, version);
      } catch (err) {
        // A scan that could not run is told apart from a failed gate (1): exit code 2.
        if (!(err instanceof HerdError)) throw err;
        process.stderr.write(`herd: ${err.message} [${err.code}]\n`);
        process.exitCode = 2;
      }
    });
}

async function scan(flags: ScanFlags, version: string): Promise<void> {
  const failOn = flags.failOn as FailOn;
  if (failOn !== 'none' && !(SEVERITIES as readonly string[]).includes(failOn)) {
    throw new HerdError('HERD_CLI_ARG', `--fail-on ${flags.failOn}: give one of ${SEVERITIES.join(', ')}, none`);
  }
  const config: ScanConfig = flags.file !== undefined ? readScanConfig(flags.file) : { users: [] };
  const url = flags.url ?? config.url;
  if (url === undefined) throw new HerdError('HERD_CLI_ARG', "give the API's base URL: --url http://127.0.0.1:8080 (or url: in --file)");
  const users: UserConfig[] = [...config.users];
  if (flags.bearer !== undefined) users.push({ name: 'user', role: 'user', auth: { bearer: flags.bearer } });
  const graphqlEndpoint = flags.graphql ?? config.graphql?.endpoint;
  const sdl = flags.sdl ?? config.graphql?.sdl;
  const checks = selectChecks(allChecks, list(flags.checks) ?? config.checks, list(flags.exclude) ?? config.exclude);
  const baseline = flags.baseline !== undefined ? readBaseline(flags.baseline) : null;
  const previous = flags.diff !== undefined ? readBaseline(flags.diff) : null;
  // On a terminal one line kept up to date; in CI logs a line every 10 s; none with --quiet.
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  const onProgress = (p: ScanProgress): void => {
    if (flags.quiet === true) return;
    const now = Date.now();
    if (p.phase !== 'done' && now - lastLine < (tty ? 500 : 10_000)) return;
    lastLine = now;
    const what = p.phase === 'checking' ? `checking ${p.check}` : p.phase;
    const line = `[herd scan] ${what}: ${p.operations} operations, ${p.requests} requests, ${p.findings} findings`;
    process.stderr.write(tty ? `\r${line.padEnd(100).slice(0, 100)}${p.phase === 'done' ? '\n' : ''}` : `${line}\n`);
  };
  const result = await runScan({
    url,
    ...(flags.openapi ?? config.openapi ? { openapi: (flags.openapi ?? config.openapi)! } : {}),
    ...(graphqlEndpoint !== undefined || sdl !== undefined ? { graphql: { ...(graphqlEndpoint !== undefined ? { endpoint: graphqlEndpoint } : {}), ...(sdl !== undefined ? { sdlFile: sdl } : {}) } } : {}),
    users,
    checks,
    budget: positiveInt('--budget', flags.budget) ?? config.budget ?? 10_000,
    ratePerSecond: flags.rate !== undefined ? Number(flags.rate) : config.rate ?? 0,
    concurrency: positiveInt('--concurrency', flags.concurrency) ?? config.concurrency ?? 4,
    timeoutMs: positiveInt('--timeout', flags.timeout) ?? config.timeout ?? 10_000,
    safe: flags.safe ?? config.safe ?? false,
    version,
    onProgress,
    // A check that fails, and users signed up for the scan, are said on stderr whatever --quiet.
    log: (msg, fields) => {
      if (msg === 'check failed' || msg === 'signed up scan users') process.stderr.write(`[herd scan] ${msg}: ${JSON.stringify(fields)}\n`);
    },
  });
  if (flags.json) write(flags.json, toJson(result));
  if (flags.sarif) {
    // With the description's own file (not a URL), each alert sits on its operation's line.
    const specFile = graphqlEndpoint !== undefined || sdl !== undefined ? sdl : flags.openapi ?? config.openapi;
    let specText: string | undefined;
    if (flags.sarifSpecUri !== undefined && specFile !== undefined && !/^https?:\/\//i.test(specFile)) {
      try {
        specText = readFileSync(specFile, 'utf8');
      } catch {
        specText = undefined; // read a moment ago by the scan; if gone now, alerts go to line 1
      }
    }
    const sarifOptions = flags.sarifSpecUri !== undefined ? { specUri: flags.sarifSpecUri, ...(specText !== undefined ? { specText } : {}) } : {};
    write(flags.sarif, `${JSON.stringify(toSarif(result, sarifOptions), null, 2)}\n`);
  }
  if (flags.junit) write(flags.junit, toJunit(result));
  if (flags.markdown) write(flags.markdown, toMarkdown(result));
  if (flags.html) write(flags.html, toHtml(result));
  const out = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const score = scoreOf(result.findings);
  out(`${result.target.kind} API at ${result.target.baseUrl}: ${result.stats.operations} operations, ${result.stats.requests} requests in ${(result.stats.durationMs / 1000).toFixed(1)} s`);
  for (const f of [...result.findings].sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity))) {
    out(`  ${f.severity.padEnd(8)} ${f.checkId.padEnd(32)} ${f.location}  ${f.detail.split('\n')[0]!.slice(0, 160)}`);
  }
  out(`${result.findings.length} findings; score ${score.score}/100, grade ${score.grade}`);
  if (previous !== null) {
    const d = diffReports(previous, result);
    out(`since ${flags.diff}: ${d.added.length} new, ${d.fixed.length} fixed, ${d.unchanged.length} unchanged`);
    for (const f of d.added) out(`  + ${f.severity} ${f.checkId} ${f.location}`);
    for (const f of d.fixed) out(`  - ${f.severity} ${f.checkId} ${f.location}`);
  }
  const verdict = gate(result, { failOn, baseline });
  if (verdict.failed) {
    for (const r of verdict.reasons) out(`FAIL ${r}`);
    process.exitCode = 1;
  }
}
