import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { placeNamedSection } from './lapi-compare/report.js';
import { startRestTarget } from '../test/targets/rest/index.js';
import { startGraphqlTarget, GRAPHQL_TARGET_SDL } from '../test/targets/graphql/index.js';
import { startLegacyTarget } from '../test/targets/legacy/index.js';
import type { RunningTarget, TargetVariant } from '../test/targets/types.js';

/**
 * `npm run bench:scan`: `herd scan` on the project's deliberately vulnerable targets (test/targets,
 * REST and GraphQL, vulnerable and fixed): requests sent, wall time, documented vulnerabilities
 * found, findings on the fixed twin. Beside it, where one is installed here, another open-source
 * tool on the same target: sqlmap (Debian package) on the REST target's SQL injection. Writes the
 * section "## API scanner" of BENCHMARKS.md.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HERD = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const TITLE = '## API scanner';

const { values: args } = parseArgs({ options: { output: { type: 'string', default: join(ROOT, 'BENCHMARKS.md') } } });

function log(msg: string): void {
  process.stderr.write(`[bench:scan] ${msg}\n`);
}

function fill(value: unknown, username: string, password: string): unknown {
  if (typeof value === 'string') return value.replaceAll('{username}', username).replaceAll('{password}', password);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, username, password)]));
  return value;
}

interface Row {
  target: string;
  variant: TargetVariant;
  requests: number;
  seconds: number;
  documented: number;
  found: number;
  findings: number;
}

async function scanOnce(name: string, start: (v: TargetVariant) => Promise<RunningTarget>, variant: TargetVariant, dir: string, checks: string[] = []): Promise<Row> {
  const target = await start(variant);
  try {
    const config = join(dir, `${name}-${variant}.yaml`);
    writeFileSync(
      config,
      stringify({
        url: target.url,
        users: target.users.map((u) => ({
          name: u.name,
          role: u.role,
          // The legacy target keeps a session cookie; the others answer a token.
          auth: { login: { method: target.login.method, path: target.login.path, body: fill(target.login.body, u.username, u.password), ...(name === 'legacy' ? { use: 'cookie' } : { tokenPath: target.login.tokenPath }) } },
        })),
      }),
    );
    const report = join(dir, `${name}-${variant}.json`);
    // The legacy target's Swagger 2.0 description is found by discovery.
    const extra = [...checks, ...(name === 'rest' ? ['--openapi', `${target.url}${target.specPath}`] : name === 'graphql' ? ['--graphql', target.specPath] : [])];
    if (name === 'graphql' && variant === 'fixed') {
      writeFileSync(join(dir, 'schema.graphql'), GRAPHQL_TARGET_SDL);
      extra.push('--sdl', join(dir, 'schema.graphql'));
    }
    const started = performance.now();
    // Asynchronous: the target runs in this process.
    await new Promise<void>((resolve, reject) => {
      import('node:child_process')
        .then(({ spawn }) => {
          const child = spawn(process.execPath, [HERD, 'scan', '--file', config, '--json', report, '--fail-on', 'none', '--quiet', ...extra], { stdio: 'ignore' });
          child.on('close', () => resolve());
          child.on('error', reject);
        })
        .catch(reject);
    });
    const seconds = (performance.now() - started) / 1000;
    const result = JSON.parse(readFileSync(report, 'utf8')) as { stats: { requests: number }; findings: { checkId: string; location: string; detail: string }[] };
    const found = target.vulnerabilities.filter((v) =>
      result.findings.some((f) => f.checkId === v.checkId && (f.location === v.where || `${f.location}\n${f.detail}`.includes(v.where.includes(' ') ? v.where.slice(v.where.indexOf(' ') + 1) : v.where.slice(v.where.lastIndexOf('.') + 1)))),
    ).length;
    return { target: name, variant, requests: result.stats.requests, seconds, documented: target.vulnerabilities.length, found, findings: result.findings.length };
  } finally {
    await target.close();
  }
}

/** One sqlmap run on the REST target's search parameter; requests counted from its traffic log. */
async function sqlmapRun(dir: string, name: string, extra: string[]): Promise<string> {
  const target = await startRestTarget('vulnerable');
  try {
    const traffic = join(dir, `sqlmap-${name}.txt`);
    const started = performance.now();
    const out = await new Promise<string>((resolve, reject) => {
      import('node:child_process')
        .then(({ spawn }) => {
          const child = spawn('sqlmap', ['-u', `${target.url}/api/products?search=lamp`, '-p', 'search', '--batch', ...extra, '--output-dir', join(dir, `sqlmap-${name}`), '-t', traffic, '-v', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
          let text = '';
          child.stdout.on('data', (d: Buffer) => (text += d.toString()));
          child.on('close', () => resolve(text));
          child.on('error', reject);
        })
        .catch(reject);
    });
    const seconds = (performance.now() - started) / 1000;
    const requests = existsSync(traffic) ? (readFileSync(traffic, 'utf8').match(/HTTP request \[#/g) ?? []).length : 0;
    const found = /sqlmap identified the following injection point/i.test(out);
    return `| sqlmap ${name} (\`${extra.join(' ') || 'defaults'}\`) | \`GET /api/products?search=\` only | ${requests} | ${seconds.toFixed(1)} | SQL injection ${found ? 'found' : 'not found'} |`;
  } finally {
    await target.close();
  }
}

/** herd with only its SQL injection check, on the whole REST API (exploration included). */
async function herdSqlRow(dir: string): Promise<string> {
  const row = await scanOnce('rest', (v) => startRestTarget(v), 'vulnerable', dir, ['--checks', 'injection.sql']);
  return `| herd scan \`--checks injection.sql\` | every operation of the REST target (exploration included) | ${row.requests} | ${row.seconds.toFixed(1)} | SQL injection ${row.findings > 0 ? 'found' : 'not found'} |`;
}

async function sqlmapRows(dir: string): Promise<string[] | undefined> {
  const which = spawnSync('sqlmap', ['--version'], { encoding: 'utf8' });
  if (which.status !== 0) return undefined;
  const version = which.stdout.trim().split('\n')[0] ?? '';
  log(`sqlmap ${version}`);
  return [await herdSqlRow(dir), await sqlmapRun(dir, 'default', []), await sqlmapRun(dir, 'thorough', ['--level', '5', '--risk', '3'])].map((r) => r.replace('| sqlmap ', `| sqlmap ${version} `));
}

async function main(): Promise<void> {
  try {
    execFileSync(process.execPath, [HERD, '--version']);
  } catch {
    throw new Error('run `npm run build` first (npm run bench:scan does)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'herd-bench-scan-'));
  const rows: Row[] = [];
  try {
    for (const [name, start] of [
      ['rest', (v: TargetVariant) => startRestTarget(v)],
      ['graphql', (v: TargetVariant) => startGraphqlTarget(v)],
      ['legacy', (v: TargetVariant) => startLegacyTarget(v)],
    ] as const) {
      for (const variant of ['vulnerable', 'fixed'] as const) {
        log(`herd scan ${name} (${variant})`);
        rows.push(await scanOnce(name, start, variant, dir));
      }
    }
    log('sqlmap on the REST target (if installed), beside herd with its SQL injection check only');
    const other = await sqlmapRows(dir);
    const c = cpus();
    const section = [
      TITLE,
      '',
      `Command: \`npm run bench:scan\` (bench/scan-targets.ts), ${new Date().toISOString().slice(0, 10)}.`,
      `Machine: ${c[0]?.model ?? 'unknown CPU'}, ${c.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}.`,
      '',
      'The real `herd scan` (all checks, 3 users logged in through the target, default limits: 4 requests in',
      'flight, no rate limit) on the deliberately vulnerable targets of test/targets and their fixed twins, on',
      'loopback. "Found" counts documented vulnerabilities matched by a finding of their check at their place.',
      '',
      '| target | variant | requests | wall time (s) | documented found | findings |',
      '| --- | --- | ---: | ---: | ---: | ---: |',
      ...rows.map((r) => `| ${r.target} | ${r.variant} | ${r.requests} | ${r.seconds.toFixed(1)} | ${r.variant === 'vulnerable' ? `${r.found} of ${r.documented}` : '—'} | ${r.findings} |`),
      '',
      other === undefined
        ? 'No other open-source API scanner is installable here from npm or Debian with OpenAPI/GraphQL support (OWASP ZAP, Schemathesis, graphql-cop and Nuclei are not packaged); sqlmap was not found either.'
        : [
            'Side by side, on one flaw: OWASP ZAP, Schemathesis, graphql-cop and Nuclei are not installable here (npm',
            'and Debian only); sqlmap (Debian) is. It is given the one vulnerable parameter; herd, with only its SQL',
            'injection check, is given the API description and finds the parameter itself (requests include the',
            "exploration and every other operation's inputs).",
            '',
            '| tool | scope | requests | wall time (s) | result |',
            '| --- | --- | ---: | ---: | --- |',
            ...other,
          ].join('\n'),
      '',
    ].join('\n');
    const doc = existsSync(args.output!) ? readFileSync(args.output!, 'utf8') : '# Benchmarks\n';
    writeFileSync(args.output!, placeNamedSection(doc, TITLE, section));
    for (const r of rows) log(`${r.target} ${r.variant}: ${r.requests} requests, ${r.seconds.toFixed(1)} s, ${r.findings} findings${r.variant === 'vulnerable' ? `, ${r.found}/${r.documented} documented found` : ''}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
