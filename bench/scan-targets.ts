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
 * tool on the same target: sqlmap (Debian package) on the REST target's SQL injection, and Wapiti
 * (Debian package, a black-box web scanner) on the REST target's GET operations. Writes the
 * section "## API scanner" of BENCHMARKS.md.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HERD = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const TITLE = '## API scanner';

const { values: args } = parseArgs({ options: { output: { type: 'string', default: join(ROOT, 'BENCHMARKS.md') }, 'wapiti-only': { type: 'boolean', default: false } } });

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

/** Wapiti's vulnerability categories, as the herd check that looks for the same flaw. */
const WAPITI_CHECKS: Readonly<Record<string, string>> = {
  'SQL Injection': 'injection.sql',
  'Blind SQL Injection': 'injection.sql',
  'Command execution': 'injection.command',
  'Path Traversal': 'injection.path-traversal',
  'Cross Site Scripting': 'injection.xss',
  'Reflected Cross Site Scripting': 'injection.xss',
  'Stored Cross Site Scripting': 'injection.xss',
  'XML External Entity': 'injection.xxe',
  'Server Side Request Forgery': 'injection.ssrf',
  'HTTP Secure Headers': 'config.security-headers',
};

/** A forward HTTP proxy on 127.0.0.1 that counts the requests a tool sends through it. */
async function countingProxy(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  const http = await import('node:http');
  let n = 0;
  const server = http.createServer((req, res) => {
    n++;
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    count: () => n,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Every GET operation of an OpenAPI 3 description as a URL, parameters filled from examples or a plain value. */
function getUrls(base: string, spec: { paths?: Record<string, Record<string, { parameters?: { name: string; in: string; example?: unknown; schema?: { example?: unknown; default?: unknown; enum?: unknown[]; type?: string } }[] }>> }): string[] {
  const urls: string[] = [];
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    const get = item.get;
    if (get === undefined) continue;
    const value = (p: NonNullable<typeof get.parameters>[number]): string => String(p.example ?? p.schema?.example ?? p.schema?.default ?? p.schema?.enum?.[0] ?? (p.schema?.type === 'integer' || p.schema?.type === 'number' ? 1 : 'herd'));
    const params = get.parameters ?? [];
    const u = new URL(`${base}${path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(value(params.find((p) => p.name === name && p.in === 'path') ?? { name, in: 'path' })))}`);
    for (const p of params) if (p.in === 'query') u.searchParams.set(p.name, value(p));
    urls.push(u.toString());
  }
  return urls;
}

/**
 * Wapiti (Debian), a black-box web scanner that reads no API description: it is given every GET
 * operation of the REST target as a start URL (query parameters filled) and alice's bearer token,
 * and runs its injection modules and its header check. Requests are counted by a proxy.
 */
async function wapitiRow(dir: string): Promise<string | undefined> {
  const which = spawnSync('wapiti', ['--version'], { encoding: 'utf8' });
  if (which.status !== 0) return undefined;
  const version = /Wapiti[- ]([\d.]+)/.exec(`${which.stdout}${which.stderr}`)?.[1] ?? '';
  log(`wapiti ${version} on the REST target`);
  const target = await startRestTarget('vulnerable');
  const proxy = await countingProxy();
  try {
    const alice = target.users.find((u) => u.role === 'user')!;
    const login = await fetch(`${target.url}${target.login.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fill(target.login.body, alice.username, alice.password)) });
    const token = String(((await login.json()) as Record<string, unknown>)[target.login.tokenPath] ?? '');
    const spec = (await (await fetch(`${target.url}${target.specPath}`)).json()) as Parameters<typeof getUrls>[1] & { servers?: { url: string }[] };
    const base = new URL(spec.servers?.[0]?.url ?? '/', target.url).toString().replace(/\/$/, '');
    const starts = getUrls(base, spec);
    const report = join(dir, 'wapiti.json');
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      import('node:child_process')
        .then(({ spawn }) => {
          const child = spawn(
            'wapiti',
            [
              '-u', `${target.url}/`, '--scope', 'folder', ...starts.flatMap((u) => ['-s', u]),
              '-H', `Authorization: Bearer ${token}`, '-m', 'sql,blindsql,exec,file,xss,permanentxss,xxe,http_headers',
              '-p', proxy.url, '-t', '10', '--max-scan-time', '900', '--flush-session', '--store-session', join(dir, 'wapiti-session'),
              '--store-config', join(dir, 'wapiti-config'), '-f', 'json', '-o', report, '--no-bugreport', '-v', '0',
            ],
            { stdio: 'ignore' },
          );
          child.on('close', () => resolve());
          child.on('error', reject);
        })
        .catch(reject);
    });
    const seconds = (performance.now() - started) / 1000;
    const found = existsSync(report) ? ((JSON.parse(readFileSync(report, 'utf8')) as { vulnerabilities?: Record<string, { method?: string; path?: string }[]> }).vulnerabilities ?? {}) : {};
    const hits = new Set<string>();
    for (const [category, list] of Object.entries(found)) {
      const check = WAPITI_CHECKS[category];
      if (check === undefined) continue;
      for (const v of list) hits.add(`${check} ${String(v.method ?? 'GET').toUpperCase()} ${v.path ?? ''}`);
    }
    const documented = target.vulnerabilities.filter((v) => Object.values(WAPITI_CHECKS).includes(v.checkId));
    const matched = documented.filter((v) => [...hits].some((h) => h.startsWith(`${v.checkId} ${v.where}`)));
    const kinds = [...new Set(matched.map((v) => v.checkId))].join(', ') || 'none';
    return `| Wapiti ${version} (\`sql,blindsql,exec,file,xss,permanentxss,xxe,http_headers\`) | the ${starts.length} GET operations of the REST target as start URLs, alice's token (it reads no API description) | ${proxy.count()} | ${seconds.toFixed(1)} | ${matched.length} of the ${documented.length} documented flaws of the kinds it tests (${kinds}) |`;
  } finally {
    await proxy.close();
    await target.close();
  }
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
    for (const [name, start] of (args['wapiti-only'] ? [] : [
      ['rest', (v: TargetVariant) => startRestTarget(v)],
      ['graphql', (v: TargetVariant) => startGraphqlTarget(v)],
      ['legacy', (v: TargetVariant) => startLegacyTarget(v)],
    ]) as [string, (v: TargetVariant) => Promise<RunningTarget>][]) {
      for (const variant of ['vulnerable', 'fixed'] as const) {
        log(`herd scan ${name} (${variant})`);
        rows.push(await scanOnce(name, start, variant, dir));
      }
    }
    log('sqlmap on the REST target (if installed), beside herd with its SQL injection check only');
    if (args['wapiti-only']) {
      // A trial run of the Wapiti comparison alone (nothing written).
      log((await wapitiRow(dir)) ?? 'wapiti is not installed');
      return;
    }
    const sqlmap = await sqlmapRows(dir);
    const wapiti = await wapitiRow(dir);
    const other = sqlmap === undefined && wapiti === undefined ? undefined : [...(sqlmap ?? []), ...(wapiti !== undefined ? [wapiti] : [])];
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
            'Side by side: OWASP ZAP, Schemathesis, graphql-cop and Nuclei are not installable here (npm and Debian',
            'only); sqlmap and Wapiti (Debian) are. sqlmap is given the one vulnerable parameter; herd, with only its',
            'SQL injection check, is given the API description and finds the parameter itself (requests include the',
            "exploration and every other operation's inputs). Wapiti reads no API description: it is given every GET",
            'operation of the REST target as a start URL and a logged-in token, and is scored on the documented flaws',
            'of the kinds its modules test (herd finds all of them, table above). Requests are counted by each tool\'s',
            'traffic log (sqlmap) or a counting proxy (Wapiti).',
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
