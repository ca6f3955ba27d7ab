/**
 * Well-known files and endpoints that should never be reachable on a production API, each with
 * what its content looks like. A path is reported only when the answer looks like the real thing
 * (a `.env` has KEY=VALUE lines, `.git/config` has `[core]`), which keeps SPAs and catch-all
 * routes from producing findings. Bodies are hostile input: expressions run on RE2.
 */
import RE2 from 're2';
import type { ScanResponse, Severity } from '../../model.js';
import { jsonOf, looksLikeMarkup } from './responses.js';

export interface Recognition {
  /** What the answer is, for the detail (`an environment file with 6 variables`). */
  readonly what: string;
  /** Whether it holds secrets (passwords, keys, tokens): the finding is then high. */
  readonly secrets: boolean;
}

export interface SensitivePath {
  readonly path: string;
  /** Paths of one group (`.git/config`, `.git/HEAD`) make one finding, at the first that matches. */
  readonly group: string;
  /** Severity when the answer holds no secrets. */
  readonly severity: Severity;
  readonly recognize: (r: ScanResponse) => Recognition | undefined;
}

const re = (source: string, flags = ''): RE2 => new RE2(source, flags);

const SECRET_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'secret', 'secrets', 'token', 'credential', 'credentials', 'dsn', 'privatekey', 'apikey', 'accesskey', 'secretkey']);
/** Words before `key` that make it a secret (`API_KEY`, `signingKey`), unlike `PRIMARY_KEY` or `PUBLIC_KEY`. */
const KEY_QUALIFIERS = new Set(['api', 'private', 'access', 'secret', 'signing', 'encryption', 'jwt', 'master', 'client', 'app', 'session', 'stripe', 'hmac', 'crypto']);
/** Names that hold a URL to a database with its credentials. */
const CONNECTION_PAIRS = [['connection', 'string'], ['database', 'url'], ['db', 'url'], ['mongo', 'uri'], ['mongodb', 'uri'], ['redis', 'url'], ['db', 'uri'], ['database', 'uri']] as const;
/** Last words of names that describe a secret rather than hold it (`TOKEN_TTL`, `PASSWORD_MIN_LENGTH`). */
const NOT_A_SECRET_SUFFIX = new Set(['url', 'uri', 'endpoint', 'path', 'file', 'type', 'name', 'ttl', 'expiry', 'expires', 'lifetime', 'length', 'header', 'algorithm', 'alg', 'policy', 'rounds', 'cost', 'min', 'max', 'in']);

/** The words of a key name: `DB_PASSWORD` → db, password; `clientSecret` → client, secret. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** Whether a key name is one of a secret (DB_PASSWORD, client_secret, AWS_SECRET_ACCESS_KEY, apiKey, DATABASE_URL). */
export function isSecretName(name: string): boolean {
  const words = wordsOf(name);
  if (words.length === 0) return false;
  for (let i = 0; i + 1 < words.length; i++) if (CONNECTION_PAIRS.some(([a, b]) => words[i] === a && words[i + 1] === b)) return true;
  if (NOT_A_SECRET_SUFFIX.has(words[words.length - 1] ?? '') || words.includes('public')) return false;
  return words.some((w, i) => SECRET_WORDS.has(w) || (w === 'key' && i > 0 && KEY_QUALIFIERS.has(words[i - 1] ?? '')));
}

/** A value worth calling a secret: not empty, not a number or a placeholder. */
function isSecretValue(v: string): boolean {
  const t = v.trim().replace(/^["']|["']$/g, '');
  return t.length >= 4 && !/^(?:\d+[smhd]?|changeme|change-me|xxx+|\*+|<[^>]*>|\$\{[^}]*\}|null|none|false|true|todo)$/i.test(t);
}

const ENV_LINE = re(String.raw`^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$`);

function envFile(r: ScanResponse): Recognition | undefined {
  if (looksLikeMarkup(r.body) || jsonOf(r) !== undefined) return undefined;
  let vars = 0;
  let secrets = false;
  let other = 0;
  for (const line of r.body.split(/\r?\n/, 500)) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const m = ENV_LINE.exec(t);
    if (m === null) {
      other++;
      continue;
    }
    vars++;
    if (isSecretName(m[1] ?? '') && isSecretValue(m[2] ?? '')) secrets = true;
  }
  // Mostly KEY=VALUE lines, at least two of them.
  if (vars < 2 || other > vars / 4) return undefined;
  return { what: `an environment file with ${vars} variables${secrets ? ', secrets among them' : ''}`, secrets };
}

/** Recognizes an answer in which every one of `needles` matches. */
function contains(needles: readonly RE2[], what: string, secrets = false): (r: ScanResponse) => Recognition | undefined {
  return (r) => (needles.every((n) => n.test(r.body)) ? { what, secrets } : undefined);
}

/** Every key of a JSON value down to `depth`, normalized (`memoryUsage` → `memoryusage`). */
function jsonKeys(v: unknown, depth: number, out: Set<string> = new Set()): Set<string> {
  if (depth < 0 || v === null || typeof v !== 'object') return out;
  const entries = Array.isArray(v) ? v.slice(0, 5).map((x, i) => [String(i), x] as const) : Object.entries(v);
  for (const [k, x] of entries.slice(0, 200)) {
    if (!Array.isArray(v)) out.add(k.toLowerCase().replace(/[^a-z0-9]/g, ''));
    jsonKeys(x, depth - 1, out);
  }
  return out;
}

/** JSON keys with secret names and real-looking string values (`{"db":{"password":"hunter2"}}`). */
function jsonSecrets(v: unknown, depth: number): string[] {
  const found: string[] = [];
  const walk = (x: unknown, d: number): void => {
    if (d < 0 || x === null || typeof x !== 'object' || found.length >= 5) return;
    for (const [k, val] of Object.entries(x).slice(0, 200)) {
      if (typeof val === 'string' && isSecretName(k) && isSecretValue(val)) found.push(k);
      else walk(val, d - 1);
    }
  };
  walk(v, depth);
  return found;
}

/** Names of a process dump (Go expvar, Node or Python debug routes). */
const PROCESS_KEYS = new Set([
  'pid', 'ppid', 'uptime', 'memory', 'memoryusage', 'memstats', 'heapused', 'heaptotal', 'rss', 'versions', 'nodeversion',
  'runtime', 'argv', 'cmdline', 'execpath', 'execargv', 'cwd', 'env', 'environment', 'config', 'configuration', 'settings',
  'goroutines', 'numgoroutine', 'platform', 'arch', 'hostname', 'gc', 'process',
]);

function processDump(r: ScanResponse): Recognition | undefined {
  const json = jsonOf(r);
  if (json === undefined || Array.isArray(json)) return undefined;
  const keys = jsonKeys(json, 1);
  const hits = [...keys].filter((k) => PROCESS_KEYS.has(k));
  const expvar = keys.has('cmdline') && keys.has('memstats');
  if (!expvar && hits.length < 3) return undefined;
  const secrets = jsonSecrets(json, 6);
  return {
    what: `process internals (${hits.slice(0, 6).join(', ')})${secrets.length > 0 ? ` with secrets (${secrets.slice(0, 3).join(', ')})` : ''}`,
    secrets: secrets.length > 0,
  };
}

function configJson(r: ScanResponse): Recognition | undefined {
  const json = jsonOf(r);
  if (json === undefined || Array.isArray(json)) return undefined;
  const secrets = jsonSecrets(json, 6);
  return secrets.length > 0 ? { what: `a configuration file with secrets (${secrets.slice(0, 3).join(', ')})`, secrets: true } : undefined;
}

function actuatorEnv(r: ScanResponse): Recognition | undefined {
  const json = jsonOf(r);
  if (json === undefined || Array.isArray(json)) return undefined;
  const keys = jsonKeys(json, 0);
  if (!keys.has('propertysources') && !keys.has('activeprofiles')) return undefined;
  return { what: 'the Spring Boot environment (actuator/env)', secrets: true };
}

function actuatorIndex(r: ScanResponse): Recognition | undefined {
  const json = jsonOf(r);
  if (json === undefined || Array.isArray(json) || json === null || typeof json !== 'object') return undefined;
  const links = (json as Record<string, unknown>)._links;
  return links !== null && typeof links === 'object' && /actuator/.test(JSON.stringify(links)) ? { what: 'the Spring Boot actuator index', secrets: false } : undefined;
}

function heapDump(r: ScanResponse): Recognition | undefined {
  return r.body.startsWith('JAVA PROFILE 1.0') ? { what: 'a Java heap dump (memory with credentials and tokens)', secrets: true } : undefined;
}

function sqlDump(r: ScanResponse): Recognition | undefined {
  if (looksLikeMarkup(r.body) || jsonOf(r) !== undefined) return undefined;
  const head = r.body.slice(0, 20_000);
  const statements = (head.match(/^\s*(?:CREATE TABLE|INSERT INTO|DROP TABLE|LOCK TABLES|COPY \S+ \(|ALTER TABLE)\b/gim) ?? []).length;
  const dumpHeader = /-- (?:MySQL dump|PostgreSQL database dump|Dump completed)|PRAGMA foreign_keys|BEGIN TRANSACTION;/i.test(head);
  return statements >= 2 || (dumpHeader && statements >= 1) ? { what: 'a database dump', secrets: true } : undefined;
}

function dsStore(r: ScanResponse): Recognition | undefined {
  return r.body.slice(0, 16).includes('Bud1') ? { what: 'a macOS .DS_Store file listing directory contents', secrets: false } : undefined;
}

function prometheus(r: ScanResponse): Recognition | undefined {
  if (looksLikeMarkup(r.body)) return undefined;
  const types = (r.body.slice(0, 50_000).match(/^# TYPE [a-zA-Z_:][\w:]* (?:counter|gauge|histogram|summary|untyped)\s*$/gm) ?? []).length;
  return types >= 2 ? { what: `Prometheus metrics (${types} metric families)`, secrets: false } : undefined;
}

const GIT_CONFIG = [re(String.raw`^\s*\[core\]`, 'm'), re(String.raw`repositoryformatversion|bare\s*=|filemode\s*=`)];
const GIT_HEAD = re(String.raw`^(?:ref: refs/[\w./-]+|[0-9a-f]{40})\s*$`);
const CREDENTIAL_URL = re(String.raw`://[^/\s:@]+:[^/\s@]+@`);

function gitConfig(r: ScanResponse): Recognition | undefined {
  if (!GIT_CONFIG.every((g) => g.test(r.body))) return undefined;
  const secrets = CREDENTIAL_URL.test(r.body);
  return { what: `the Git repository configuration${secrets ? ' with credentials in a remote URL' : ''} (the source code and its history can be downloaded)`, secrets };
}

function gitHead(r: ScanResponse): Recognition | undefined {
  return GIT_HEAD.test(r.body.trim()) ? { what: 'the Git repository (HEAD); the source code and its history can be downloaded', secrets: false } : undefined;
}

const html = (source: string): RE2 => re(source, 'i');

export const SENSITIVE_PATHS: readonly SensitivePath[] = [
  { path: '/.env', group: 'env', severity: 'medium', recognize: envFile },
  { path: '/.env.local', group: 'env', severity: 'medium', recognize: envFile },
  { path: '/.env.production', group: 'env', severity: 'medium', recognize: envFile },
  { path: '/.env.backup', group: 'env', severity: 'medium', recognize: envFile },
  { path: '/.git/config', group: 'git', severity: 'high', recognize: gitConfig },
  { path: '/.git/HEAD', group: 'git', severity: 'high', recognize: gitHead },
  { path: '/.svn/entries', group: 'svn', severity: 'medium', recognize: contains([re(String.raw`^(?:\d+\s*\n|<\?xml)`), re(String.raw`\b(?:dir|file|svn:)`)], 'a Subversion working copy') },
  { path: '/.aws/credentials', group: 'aws', severity: 'high', recognize: contains([re(String.raw`aws_access_key_id\s*=`, 'i')], 'AWS credentials', true) },
  { path: '/.npmrc', group: 'npmrc', severity: 'high', recognize: contains([re(String.raw`_authToken\s*=\s*\S{8,}|_password\s*=\s*\S+`)], 'an npm token', true) },
  { path: '/.htpasswd', group: 'htpasswd', severity: 'high', recognize: contains([re(String.raw`^[\w.@-]+:(?:\$apr1\$|\$2[aby]\$|\{SHA\}|\$[156]\$)\S+`, 'm')], 'password hashes (.htpasswd)', true) },
  { path: '/id_rsa', group: 'ssh-key', severity: 'high', recognize: contains([re(String.raw`-----BEGIN (?:RSA |OPENSSH |EC |DSA )?PRIVATE KEY-----`)], 'an SSH private key', true) },
  { path: '/.ssh/id_rsa', group: 'ssh-key', severity: 'high', recognize: contains([re(String.raw`-----BEGIN (?:RSA |OPENSSH |EC |DSA )?PRIVATE KEY-----`)], 'an SSH private key', true) },
  { path: '/config.json', group: 'config-json', severity: 'medium', recognize: configJson },
  { path: '/appsettings.json', group: 'config-json', severity: 'medium', recognize: configJson },
  { path: '/config/default.json', group: 'config-json', severity: 'medium', recognize: configJson },
  { path: '/web.config', group: 'web-config', severity: 'medium', recognize: contains([re(String.raw`<configuration`), re(String.raw`<system\.web|<connectionStrings|<appSettings`)], 'the IIS/ASP.NET configuration (web.config)') },
  { path: '/wp-config.php.bak', group: 'php-config-backup', severity: 'high', recognize: contains([re(String.raw`define\(\s*'DB_PASSWORD'`)], 'a WordPress configuration backup', true) },
  { path: '/docker-compose.yml', group: 'docker-compose', severity: 'medium', recognize: contains([re(String.raw`^services:\s*$`, 'm'), re(String.raw`^\s+(?:image|build):`, 'm')], 'the docker-compose file') },
  { path: '/backup.sql', group: 'sql-dump', severity: 'high', recognize: sqlDump },
  { path: '/dump.sql', group: 'sql-dump', severity: 'high', recognize: sqlDump },
  { path: '/db.sql', group: 'sql-dump', severity: 'high', recognize: sqlDump },
  { path: '/.DS_Store', group: 'ds-store', severity: 'medium', recognize: dsStore },
  { path: '/debug/vars', group: 'debug-vars', severity: 'medium', recognize: processDump },
  { path: '/debug', group: 'debug', severity: 'medium', recognize: processDump },
  { path: '/debug/pprof/', group: 'pprof', severity: 'medium', recognize: contains([html(String.raw`Types of profiles available|/debug/pprof/goroutine|href=['"]?goroutine\?debug=1`)], 'the Go pprof profiler (memory, goroutines, command line)') },
  { path: '/actuator', group: 'actuator', severity: 'medium', recognize: actuatorIndex },
  { path: '/actuator/env', group: 'actuator-env', severity: 'high', recognize: actuatorEnv },
  { path: '/actuator/heapdump', group: 'heapdump', severity: 'high', recognize: heapDump },
  { path: '/jolokia', group: 'jolokia', severity: 'medium', recognize: contains([re(String.raw`"agent"\s*:`), re(String.raw`"protocol"\s*:|jolokia`, 'i')], 'the Jolokia JMX bridge') },
  { path: '/server-status', group: 'server-status', severity: 'medium', recognize: contains([html(String.raw`Apache Server Status|Server uptime:|Scoreboard Key`)], 'the Apache server status page (clients, URLs being served)') },
  { path: '/server-info', group: 'server-info', severity: 'medium', recognize: contains([html(String.raw`Apache Server Information`)], 'the Apache server information page') },
  { path: '/nginx_status', group: 'nginx-status', severity: 'medium', recognize: contains([re(String.raw`Active connections:\s*\d+`), re(String.raw`server accepts handled requests`)], 'the nginx status page') },
  { path: '/phpinfo.php', group: 'phpinfo', severity: 'medium', recognize: contains([html(String.raw`<title>phpinfo\(\)</title>|PHP Version \d[^<]*</h1>|PHP License`)], 'phpinfo() (configuration, environment variables, paths)') },
  { path: '/info.php', group: 'phpinfo', severity: 'medium', recognize: contains([html(String.raw`<title>phpinfo\(\)</title>|PHP Version \d[^<]*</h1>|PHP License`)], 'phpinfo() (configuration, environment variables, paths)') },
  { path: '/console', group: 'console', severity: 'high', recognize: contains([html(String.raw`Werkzeug (?:Debugger|powered traceback)|__debugger__|CONSOLE_MODE\s*=`)], 'the Werkzeug debugger console (remote code execution)') },
  { path: '/h2-console', group: 'h2-console', severity: 'high', recognize: contains([html(String.raw`H2 Console|h2-console/login\.do|org\.h2`)], 'the H2 database console') },
  { path: '/admin', group: 'admin', severity: 'medium', recognize: contains([html(String.raw`Django (?:site )?administration|<title>[^<]*phpMyAdmin|Adminer</title>|login - Adminer`)], 'an administration interface') },
  { path: '/phpmyadmin/', group: 'phpmyadmin', severity: 'medium', recognize: contains([html(String.raw`<title>[^<]*phpMyAdmin`)], 'phpMyAdmin') },
  { path: '/metrics', group: 'metrics', severity: 'medium', recognize: prometheus },
  { path: '/elmah.axd', group: 'elmah', severity: 'medium', recognize: contains([html(String.raw`Error Log for|ELMAH`)], 'the ELMAH error log') },
  { path: '/trace.axd', group: 'trace-axd', severity: 'medium', recognize: contains([html(String.raw`Application Trace|Trace\.axd`)], 'the ASP.NET request trace') },
  { path: '/_profiler/', group: 'symfony-profiler', severity: 'medium', recognize: contains([html(String.raw`Symfony Profiler`)], 'the Symfony profiler') },
  { path: '/rails/info/properties', group: 'rails-info', severity: 'medium', recognize: contains([html(String.raw`Rails version`), html(String.raw`Ruby version`)], 'Rails application properties') },
  { path: '/storage/logs/laravel.log', group: 'laravel-log', severity: 'medium', recognize: contains([re(String.raw`^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] \w+\.(?:ERROR|WARNING|INFO|DEBUG)`, 'm')], 'the Laravel application log') },
  { path: '/graphiql', group: 'graphql-ide', severity: 'info', recognize: contains([html(String.raw`graphiql`)], 'the GraphiQL IDE') },
  { path: '/swagger-ui.html', group: 'swagger-ui', severity: 'info', recognize: contains([html(String.raw`swagger-ui`)], 'Swagger UI') },
];
