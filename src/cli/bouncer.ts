import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { NftablesBouncer, createNginxAuthServer, type CaptchaProviderKind, type LapiClientOptions, type NftablesBouncerOptions, type NftablesNames, type NginxAuthOptions } from '../bouncers/index.js';
import { HerdError, YamlScalar, createLogger, errorMessage, fileLine, parseYamlDocuments, systemClock, type Logger } from '../core/index.js';
import { parseGoDuration } from '../expr/index.js';
import { IpMatcher } from '../ip/index.js';

/**
 * `herd bouncer nftables|nginx`: herd's own bouncers as long-running commands (the plural
 * `herd bouncers` manages API keys). Settings come from flags, then environment variables, then a
 * YAML file given with the global `--config` (snake_case keys, as crowdsec-firewall-bouncer's
 * `api_url`, `api_key`, `update_frequency`, …; `${VAR}` is replaced by the environment as CrowdSec
 * does). Every value is checked before anything starts, and an error names the flag or the file
 * key and line. Both run until SIGINT/SIGTERM, then stop cleanly and exit 0.
 *
 * The global `--config` is the bouncer's file here, not herd's configuration, so these commands do
 * not use cliContext (which would read that file as herd's configuration).
 */

type Kind = 'text' | 'url' | 'duration' | 'list' | 'bool' | 'int' | 'listen' | 'file';

/** One setting: its file key, its flag (if any), its environment variable (if any). */
interface OptionSpec {
  key: string;
  /** `--api-url <url>`, `--no-cleanup`, `--insecure-skip-verify`; none: file/env only (secrets). */
  flag?: string;
  env?: string;
  kind: Kind;
  help: string;
  choices?: readonly string[];
  /** Durations: the least accepted, in ms. */
  minMs?: number;
}

/** Where a value came from, for error messages and relative paths. */
interface Origin {
  label: string;
  where?: string;
  code: 'HERD_CLI_ARG' | 'HERD_CONFIG_INVALID';
  base: string;
}

export interface BouncerConfigFile {
  path: string;
  text: string;
}

export interface BouncerSetupDeps {
  /** For `${VAR}` in the file and the variables named by the options. Default: none. */
  env?: Record<string, string | undefined>;
  /** Reads TLS files. Default readFileSync. */
  readFile?: (path: string) => string | Buffer;
  /** Base of relative paths given as flags. Default process.cwd(). */
  cwd?: string;
}

export interface BouncerSetup<T> {
  options: T;
  logLevel?: string;
  /** Keys of the file that were accepted but do nothing here (CrowdSec-only settings). */
  warnings: string[];
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const API_SPECS: readonly OptionSpec[] = [
  { key: 'api_url', flag: '--api-url <url>', kind: 'url', help: 'the local API, e.g. http://127.0.0.1:8080/ (required)' },
  { key: 'api_key', flag: '--api-key <key>', env: 'HERD_BOUNCER_API_KEY', kind: 'text', help: 'the bouncer key from `herd bouncers add NAME` (or $HERD_BOUNCER_API_KEY, or api_key in the file)' },
  { key: 'update_frequency', flag: '--update-frequency <duration>', kind: 'duration', minMs: 10, help: 'time between decision pulls (default 10s)' },
  { key: 'api_timeout', flag: '--api-timeout <duration>', kind: 'duration', minMs: 1, help: 'deadline of one API request (default 5s)' },
  { key: 'log_level', flag: '--log-level <level>', env: 'HERD_LOG_LEVEL', kind: 'text', choices: LOG_LEVELS, help: 'trace, debug, info, warn, error (default info)' },
  { key: 'scopes', flag: '--scopes <list>', kind: 'list', help: 'decision scopes to pull, comma-separated (default ip,range)' },
  { key: 'origins', flag: '--origins <list>', kind: 'list', help: 'only decisions of these origins (crowdsec,cscli,CAPI,lists,…)' },
  { key: 'scenarios_containing', flag: '--scenarios-containing <list>', kind: 'list', help: 'only decisions whose scenario contains one of these words' },
  { key: 'scenarios_not_containing', flag: '--scenarios-not-containing <list>', kind: 'list', help: 'no decisions whose scenario contains one of these words' },
  { key: 'ca_cert_path', flag: '--ca-cert-path <file>', kind: 'file', help: 'https: a CA (PEM) to trust for the API' },
  { key: 'cert_path', flag: '--cert-path <file>', kind: 'file', help: 'https: a client certificate (PEM), for TLS bouncer authentication' },
  { key: 'key_path', flag: '--key-path <file>', kind: 'file', help: "https: the client certificate's key (PEM)" },
  { key: 'insecure_skip_verify', flag: '--insecure-skip-verify', kind: 'bool', help: "https: do not check the API's certificate" },
];

const NFTABLES_SPECS: readonly OptionSpec[] = [
  ...API_SPECS,
  { key: 'table', flag: '--table <name>', kind: 'text', help: "herd's nftables table, family inet (default herd)" },
  { key: 'blacklists_ipv4', flag: '--set4 <name>', kind: 'text', help: 'the IPv4 set (default herd-blacklist-v4; ranges go to <name>-ranges)' },
  { key: 'blacklists_ipv6', flag: '--set6 <name>', kind: 'text', help: 'the IPv6 set (default herd-blacklist-v6; ranges go to <name>-ranges)' },
  { key: 'nftables_hooks', flag: '--hooks <list>', kind: 'list', choices: ['input', 'forward', 'prerouting'], help: 'hooks to filter at: input, forward, prerouting (default input)' },
  { key: 'priority', flag: '--priority <n>', kind: 'int', help: 'priority of the chains (default -10)' },
  { key: 'supported_decisions_types', flag: '--types <list>', kind: 'list', help: 'decision types that drop packets (default ban)' },
  { key: 'max_timeout', flag: '--max-timeout <duration>', kind: 'duration', minMs: 60_000, help: 'longest kernel timeout; longer bans are refreshed (default 720h)' },
  { key: 'nft_path', flag: '--nft <path>', kind: 'text', help: 'the nft program (default nft, from PATH)' },
  { key: 'cleanup_on_stop', flag: '--no-cleanup', kind: 'bool', help: "keep herd's table when stopping (bans then run out on their own timeouts)" },
];

const NGINX_SPECS: readonly OptionSpec[] = [
  ...API_SPECS,
  { key: 'listen', flag: '--listen <host:port>', kind: 'listen', help: 'where the auth_request endpoint listens (default 127.0.0.1:8089)' },
  { key: 'mode', flag: '--mode <mode>', kind: 'text', choices: ['live', 'stream'], help: 'live: ask the API per address (cached); stream: pull all decisions (default live)' },
  { key: 'cache_ttl', flag: '--cache-ttl <duration>', kind: 'duration', help: 'live: how long an answer is kept (default 60s)' },
  { key: 'cache_size', flag: '--cache-size <n>', kind: 'int', help: 'live: most addresses cached (default 50000)' },
  { key: 'fail_mode', flag: '--fail-mode <mode>', kind: 'text', choices: ['open', 'closed'], help: 'when the API is unreachable: open lets through, closed bans (default open)' },
  { key: 'stale_after', flag: '--stale-after <duration>', kind: 'duration', help: 'stream: age of the last good pull after which fail-mode applies (default 5m)' },
  { key: 'trusted_peers', flag: '--trusted-peers <list>', kind: 'list', help: "addresses/CIDRs of nginx, whose client-address header is believed (default 127.0.0.1,::1)" },
  { key: 'ip_header', flag: '--ip-header <name>', kind: 'text', help: 'the header nginx sets to the client address (default X-Real-IP)' },
  { key: 'fallback_remediation', flag: '--fallback-remediation <r>', kind: 'text', choices: ['ban', 'captcha', 'allow'], help: 'what other decision types get (default ban)' },
  { key: 'captcha_provider', flag: '--captcha-provider <kind>', kind: 'text', choices: ['turnstile', 'hcaptcha', 'recaptcha'], help: "a third-party captcha instead of herd's own" },
  { key: 'captcha_site_key', flag: '--captcha-site-key <key>', kind: 'text', help: "the provider's site key" },
  { key: 'captcha_secret_key', env: 'HERD_CAPTCHA_SECRET_KEY', kind: 'text', help: "the provider's secret key" },
  { key: 'captcha_secret', env: 'HERD_CAPTCHA_SECRET', kind: 'text', help: 'HMAC key of captcha passes shared by several instances (≥ 16 bytes)' },
];

/** crowdsec-firewall-bouncer keys that mean nothing to herd's nftables bouncer: accepted with a warning. */
const CROWDSEC_ONLY_KEYS = new Set([
  'log_mode', 'log_dir', 'log_compression', 'log_max_size', 'log_max_backups', 'log_max_age', 'deny_action', 'deny_log',
  'deny_log_prefix', 'ipset_type', 'iptables_chains', 'iptables_add_rule_comments', 'nftables', 'pf', 'prometheus',
  'disable_ipv6', 'retry_initial_connect', 'ipset_disable_timeouts', 'blacklists_ipv4_ranges',
]);

/** `--api-url` → `apiUrl`, `--no-cleanup` → `cleanup`: the attribute commander stores a flag under. */
function attrOf(flag: string): string {
  const name = flag.split(/[ ,]/, 1)[0]!.replace(/^--(no-)?/, '');
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The settings of one command: flags, then environment, then file; each read checked and named. */
class Settings {
  private readonly file = new Map<string, { value: unknown; origin: Origin }>();
  readonly warnings: string[] = [];
  private readonly specs: Map<string, OptionSpec>;

  constructor(
    specs: readonly OptionSpec[],
    private readonly flags: Record<string, unknown>,
    config: BouncerConfigFile | null,
    private readonly env: Record<string, string | undefined>,
    private readonly cwd: string,
    /** Accept crowdsec-firewall-bouncer's files: its other keys warn, `mode` must be nftables. */
    firewallCompat: boolean,
  ) {
    this.specs = new Map(specs.map((s) => [s.key, s]));
    if (config === null) return;
    const text = config.text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => env[name] ?? '');
    const docs = parseYamlDocuments(text, config.path);
    if (docs.length > 1) throw new HerdError('HERD_CONFIG_INVALID', 'the bouncer configuration must be a single YAML document', { where: config.path });
    const doc = docs[0];
    if (doc === undefined) return;
    if (doc.value === null || typeof doc.value !== 'object' || Array.isArray(doc.value) || doc.value instanceof YamlScalar) {
      throw new HerdError('HERD_CONFIG_INVALID', 'the bouncer configuration must be a map of keys (api_url: …, api_key: …)', { where: fileLine(config.path, doc.line) });
    }
    const base = dirname(resolve(this.cwd, config.path));
    for (const [key, value] of Object.entries(doc.value as Record<string, unknown>)) {
      const where = fileLine(config.path, doc.lineOf([key]));
      if (firewallCompat && CROWDSEC_ONLY_KEYS.has(key)) {
        this.warnings.push(`${where}: ${key} is a CrowdSec firewall bouncer setting herd does not use; ignored`);
        continue;
      }
      if (firewallCompat && key === 'mode') {
        const mode = value instanceof YamlScalar ? value.source : value;
        if (mode !== 'nftables') throw new HerdError('HERD_CONFIG_INVALID', `mode: '${String(mode)}': herd bouncer nftables drives nftables only; remove mode or set it to nftables`, { where });
        continue;
      }
      if (!this.specs.has(key)) {
        throw new HerdError('HERD_CONFIG_INVALID', `unknown key '${key}'; the keys are ${[...this.specs.keys()].join(', ')}`, { where });
      }
      if (value instanceof YamlScalar && value.value === null) continue;
      this.file.set(key, { value, origin: { label: key, where, code: 'HERD_CONFIG_INVALID', base } });
    }
  }

  private spec(key: string): OptionSpec {
    const s = this.specs.get(key);
    if (s === undefined) throw new Error(`no option ${key}`);
    return s;
  }

  /** The raw value of a setting and where it came from; undefined when nowhere. */
  private raw(key: string): { value: unknown; origin: Origin } | undefined {
    const s = this.spec(key);
    if (s.flag !== undefined) {
      const v = this.flags[attrOf(s.flag)];
      if (v !== undefined) return { value: v, origin: { label: s.flag.split(' ', 1)[0]!, code: 'HERD_CLI_ARG', base: this.cwd } };
    }
    if (s.env !== undefined) {
      const v = this.env[s.env];
      if (v !== undefined && v !== '') return { value: v, origin: { label: `$${s.env}`, code: 'HERD_CLI_ARG', base: this.cwd } };
    }
    return this.file.get(key);
  }

  fail(origin: Origin, message: string): HerdError {
    return new HerdError(origin.code, `${origin.label}: ${message}`, origin.where ? { where: origin.where } : undefined);
  }

  /** Where a set value came from (for checks across settings). */
  origin(key: string): Origin {
    const r = this.raw(key);
    return r?.origin ?? { label: this.nameOf(key), code: 'HERD_CLI_ARG', base: this.cwd };
  }

  /** How to name a setting in an error when it is missing. */
  nameOf(key: string): string {
    const s = this.spec(key);
    const names = [s.flag?.split(' ', 1)[0], s.env ? `$${s.env}` : undefined, `${key} in the --config file`].filter((x) => x !== undefined);
    return names.join(', ');
  }

  private scalar(key: string): { text: string; origin: Origin } | undefined {
    const r = this.raw(key);
    if (r === undefined) return undefined;
    const v = r.value instanceof YamlScalar ? r.value.source : r.value;
    if (typeof v !== 'string') throw this.fail(r.origin, 'must be a single value, not a list or a map');
    const spec = this.spec(key);
    if (spec.choices && !spec.choices.includes(v)) throw this.fail(r.origin, `'${v}' is not one of ${spec.choices.join(', ')}`);
    return { text: v, origin: r.origin };
  }

  text(key: string): string | undefined {
    return this.scalar(key)?.text;
  }

  required(key: string, hint: string): string {
    const v = this.scalar(key);
    if (v === undefined) throw new HerdError('HERD_CLI_ARG', `${this.spec(key).flag?.split(' ', 1)[0] ?? key} is missing: ${hint} (give it as ${this.nameOf(key)})`);
    if (v.text.trim() === '') throw this.fail(v.origin, `is empty; ${hint}`);
    return v.text;
  }

  url(key: string): string | undefined {
    const v = this.scalar(key);
    if (v === undefined) return undefined;
    let u: URL | null = null;
    try {
      u = new URL(v.text);
    } catch {
      // reported below
    }
    if (u === null || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '') {
      throw this.fail(v.origin, `'${v.text}' is not an http(s) URL; write it as http://127.0.0.1:8080/`);
    }
    return v.text;
  }

  /** Milliseconds. */
  duration(key: string): number | undefined {
    const v = this.scalar(key);
    if (v === undefined) return undefined;
    const ns = parseGoDuration(v.text.trim());
    if (ns === null) throw this.fail(v.origin, `'${v.text}' is not a duration; write it as 10s, 5m or 1h30m`);
    const ms = ns / 1e6;
    const min = this.spec(key).minMs ?? 0;
    if (ms < min) throw this.fail(v.origin, `'${v.text}' is too short; it must be at least ${min >= 1000 ? `${min / 1000}s` : `${min}ms`}`);
    return ms;
  }

  int(key: string, min: number, max: number): number | undefined {
    const r = this.raw(key);
    if (r === undefined) return undefined;
    const v = r.value instanceof YamlScalar ? r.value.value : r.value;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^[+-]?\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw this.fail(r.origin, `'${r.value instanceof YamlScalar ? r.value.source : String(v)}' must be a whole number from ${min} to ${max}`);
    return n;
  }

  bool(key: string): boolean | undefined {
    const r = this.raw(key);
    if (r === undefined) return undefined;
    const v = r.value instanceof YamlScalar ? r.value.value : r.value;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw this.fail(r.origin, `'${r.value instanceof YamlScalar ? r.value.source : String(v)}' must be true or false`);
  }

  /** A YAML list, or a comma-separated string (flags). */
  list(key: string): string[] | undefined {
    const r = this.raw(key);
    if (r === undefined) return undefined;
    const items = Array.isArray(r.value) ? r.value : [r.value];
    const out: string[] = [];
    for (const item of items) {
      const v = item instanceof YamlScalar ? item.source : item;
      if (typeof v !== 'string') throw this.fail(r.origin, 'must be a list of words (or a comma-separated string)');
      for (const part of v.split(',')) if (part.trim() !== '') out.push(part.trim());
    }
    const choices = this.spec(key).choices;
    const bad = choices ? out.find((x) => !choices.includes(x)) : undefined;
    if (bad !== undefined) throw this.fail(r.origin, `'${bad}' is not one of ${choices!.join(', ')}`);
    return out;
  }

  listen(key: string): string | undefined {
    const v = this.scalar(key);
    if (v === undefined) return undefined;
    const m = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(v.text);
    if (!m || Number(m[2]) > 65535) throw this.fail(v.origin, `'${v.text}' must be host:port, e.g. 127.0.0.1:8089 (port 0: any free port)`);
    return v.text;
  }

  /** A file's content; relative paths are read from the config file's folder (file keys) or the working directory (flags). */
  fileContent(key: string, readFile: (path: string) => string | Buffer): string | Buffer | undefined {
    const v = this.scalar(key);
    if (v === undefined) return undefined;
    const path = resolve(v.origin.base, v.text);
    try {
      return readFile(path);
    } catch (err) {
      throw this.fail(v.origin, `cannot read '${path}': ${errorMessage(err)}`);
    }
  }
}

function apiOptions(s: Settings, readFile: (path: string) => string | Buffer): LapiClientOptions {
  const url = s.url('api_url');
  if (url === undefined) throw new HerdError('HERD_CLI_ARG', `--api-url is missing: say where the local API is, e.g. --api-url http://127.0.0.1:8080/ (give it as ${s.nameOf('api_url')})`);
  const apiKey = s.required('api_key', 'create a key with `herd bouncers add NAME`');
  const o: LapiClientOptions = { url, apiKey };
  const timeout = s.duration('api_timeout');
  if (timeout !== undefined) o.timeoutMs = timeout;
  const scopes = s.list('scopes');
  if (scopes !== undefined) {
    if (scopes.length === 0) throw s.fail(s.origin('scopes'), 'is empty; give at least one scope (ip, range, …)');
    o.scopes = scopes;
  }
  const lists = [
    ['origins', 'origins'],
    ['scenarios_containing', 'scenariosContaining'],
    ['scenarios_not_containing', 'scenariosNotContaining'],
  ] as const;
  for (const [key, field] of lists) {
    const v = s.list(key);
    if (v !== undefined && v.length > 0) o[field] = v;
  }
  const ca = s.fileContent('ca_cert_path', readFile);
  const cert = s.fileContent('cert_path', readFile);
  const key = s.fileContent('key_path', readFile);
  const insecure = s.bool('insecure_skip_verify');
  if ((cert === undefined) !== (key === undefined)) throw s.fail(s.origin(cert === undefined ? 'key_path' : 'cert_path'), `needs ${cert === undefined ? 'cert_path (--cert-path)' : 'key_path (--key-path)'} too`);
  if (ca !== undefined || cert !== undefined || insecure !== undefined) {
    o.tls = { ...(ca !== undefined ? { ca } : {}), ...(cert !== undefined ? { cert, key } : {}), ...(insecure !== undefined ? { rejectUnauthorized: !insecure } : {}) };
  }
  return o;
}

/** nft's names, checked here so that the error names the flag; `-ranges` must still fit in 64. */
const NFT_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,56}$/;

function nftName(s: Settings, key: string): string | undefined {
  const v = s.text(key);
  if (v !== undefined && !NFT_NAME.test(v)) throw s.fail(s.origin(key), `'${v}' is not a valid nft name; use up to 57 letters, digits, '_', '-' or '.', starting with a letter`);
  return v;
}

/** The NftablesBouncer's options from explicit flags (commander attribute names), a config file and the environment. */
export function nftablesOptionsFrom(flags: Record<string, unknown>, file: BouncerConfigFile | null = null, deps: BouncerSetupDeps = {}): BouncerSetup<NftablesBouncerOptions> {
  const s = new Settings(NFTABLES_SPECS, flags, file, deps.env ?? {}, deps.cwd ?? process.cwd(), true);
  const options: NftablesBouncerOptions = apiOptions(s, deps.readFile ?? readFileSync);
  const update = s.duration('update_frequency');
  if (update !== undefined) options.updateFrequency = update;
  const names: Partial<NftablesNames> = {};
  const table = nftName(s, 'table');
  const set4 = nftName(s, 'blacklists_ipv4');
  const set6 = nftName(s, 'blacklists_ipv6');
  if (table !== undefined) names.table = table;
  if (set4 !== undefined) names.setV4 = set4;
  if (set6 !== undefined) names.setV6 = set6;
  if ((set4 ?? 'herd-blacklist-v4') === (set6 ?? 'herd-blacklist-v6')) throw s.fail(s.origin('blacklists_ipv6'), `'${set6 ?? 'herd-blacklist-v6'}' is also the IPv4 set; the two sets need different names`);
  const hooks = s.list('nftables_hooks');
  if (hooks !== undefined) {
    if (hooks.length === 0) throw s.fail(s.origin('nftables_hooks'), 'is empty; give input, forward and/or prerouting');
    names.hooks = [...new Set(hooks)] as NftablesNames['hooks'];
  }
  const priority = s.int('priority', -1000, 1000);
  if (priority !== undefined) names.priority = priority;
  if (Object.keys(names).length > 0) options.nftables = names;
  const types = s.list('supported_decisions_types');
  if (types !== undefined) {
    if (types.length === 0) throw s.fail(s.origin('supported_decisions_types'), 'is empty; give at least one decision type (ban)');
    options.types = types;
  }
  const maxTimeout = s.duration('max_timeout');
  if (maxTimeout !== undefined) options.maxTimeout = maxTimeout;
  const nft = s.text('nft_path');
  if (nft !== undefined) {
    if (nft.trim() === '') throw s.fail(s.origin('nft_path'), 'is empty; give the path of nft');
    options.nftCommand = [nft];
  }
  // Like crowdsec-firewall-bouncer, the table goes when the bouncer stops, unless told otherwise.
  options.cleanupOnStop = s.bool('cleanup_on_stop') ?? true;
  return { options, logLevel: s.text('log_level'), warnings: s.warnings };
}

/** The nginx auth_request endpoint's options from explicit flags, a config file and the environment. */
export function nginxOptionsFrom(flags: Record<string, unknown>, file: BouncerConfigFile | null = null, deps: BouncerSetupDeps = {}): BouncerSetup<NginxAuthOptions> {
  const s = new Settings(NGINX_SPECS, flags, file, deps.env ?? {}, deps.cwd ?? process.cwd(), false);
  const options: NginxAuthOptions = { ...apiOptions(s, deps.readFile ?? readFileSync) };
  const listen = s.listen('listen');
  if (listen !== undefined) options.listen = listen;
  const mode = s.text('mode');
  if (mode !== undefined) options.mode = mode as 'live' | 'stream';
  const durations = [
    ['update_frequency', 'updateFrequency'],
    ['cache_ttl', 'cacheTtl'],
    ['stale_after', 'staleAfter'],
  ] as const;
  for (const [key, field] of durations) {
    const v = s.duration(key);
    if (v !== undefined) options[field] = v;
  }
  const cacheSize = s.int('cache_size', 1, 100_000_000);
  if (cacheSize !== undefined) options.cacheSize = cacheSize;
  const failMode = s.text('fail_mode');
  if (failMode !== undefined) options.failMode = failMode as 'open' | 'closed';
  const peers = s.list('trusted_peers');
  if (peers !== undefined) {
    for (const p of peers) {
      try {
        IpMatcher.parse([p]);
      } catch {
        throw s.fail(s.origin('trusted_peers'), `'${p}' is not an IP address or CIDR range`);
      }
    }
    options.trustedPeers = peers;
  }
  const header = s.text('ip_header');
  if (header !== undefined) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(header)) throw s.fail(s.origin('ip_header'), `'${header}' is not an HTTP header name`);
    options.ipHeader = header;
  }
  const fallback = s.text('fallback_remediation');
  if (fallback !== undefined) options.fallbackRemediation = fallback as 'ban' | 'captcha' | 'allow';
  const secret = s.text('captcha_secret');
  if (secret !== undefined && Buffer.byteLength(secret) < 16) throw s.fail(s.origin('captcha_secret'), 'must be at least 16 bytes; generate one with `openssl rand -base64 32`');
  const provider = s.text('captcha_provider') as CaptchaProviderKind | undefined;
  const captcha: NonNullable<NginxAuthOptions['captcha']> = {};
  if (secret !== undefined) captcha.secret = secret;
  if (provider !== undefined) {
    const hint = `the ${provider} keys come from its dashboard`;
    captcha.provider = { kind: provider, siteKey: s.required('captcha_site_key', hint), secretKey: s.required('captcha_secret_key', hint) };
  }
  if (Object.keys(captcha).length > 0) options.captcha = captcha;
  return { options, logLevel: s.text('log_level'), warnings: s.warnings };
}

// --- the commands ------------------------------------------------------------------------------

function addOptions(cmd: Command, specs: readonly OptionSpec[]): Command {
  for (const s of specs) if (s.flag !== undefined) cmd.option(s.flag, s.help);
  return cmd;
}

/** The flags given on the command line (not commander's defaults, so the file can set what was not given). */
export function explicitFlags(cmd: Command): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(cmd.opts())) if (cmd.getOptionValueSource(name) === 'cli') out[name] = value;
  return out;
}

function configFileOf(cmd: Command): BouncerConfigFile | null {
  const path = cmd.optsWithGlobals<{ config?: string }>().config;
  if (path === undefined) return null;
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (err) {
    throw new HerdError('HERD_CONFIG_READ', `cannot read the bouncer configuration: ${errorMessage(err)}`, { where: path });
  }
}

function loggerFor(setup: BouncerSetup<unknown>): Logger {
  const logger = createLogger({ level: setup.logLevel, name: 'herd-bouncer' });
  for (const w of setup.warnings) logger.warn({ detail: w }, 'config key ignored');
  return logger;
}

/** Runs `start`, then waits for SIGINT/SIGTERM and runs `stop`; a failed start is cleaned up and thrown. */
async function runUntilSignal(start: () => Promise<void>, stop: () => Promise<void>): Promise<void> {
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    try {
      await start();
    } catch (err) {
      await stop().catch(() => undefined);
      throw err;
    }
    if (!abort.signal.aborted) await new Promise<void>((done) => abort.signal.addEventListener('abort', () => done(), { once: true }));
    await stop();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function registerBouncer(program: Command): void {
  const bouncer = program.command('bouncer').description("run one of herd's own bouncers (nftables firewall, nginx auth_request); keys: herd bouncers add");

  const nft = bouncer
    .command('nftables')
    .description('keep nftables sets (IPv4/IPv6, with timeouts) in step with the decision stream until Ctrl-C/SIGTERM; needs root or CAP_NET_ADMIN. --config FILE: a YAML file with the same settings in snake_case (api_url, api_key, update_frequency, table, blacklists_ipv4, …)');
  addOptions(nft, NFTABLES_SPECS).action(async (_opts, cmd: Command) => {
    const setup = nftablesOptionsFrom(explicitFlags(cmd), configFileOf(cmd), { env: process.env });
    const logger = loggerFor(setup);
    const fw = new NftablesBouncer(setup.options, { logger, clock: systemClock });
    await runUntilSignal(
      async () => {
        await fw.start();
        const m = fw.metrics();
        logger.info({ table: `inet ${fw.names.table}`, sets: [fw.names.setV4, fw.names.setV6], v4: m.v4, v6: m.v6, ranges: m.ranges, apiReachable: m.pulls > 0 }, 'nftables bouncer running');
      },
      async () => {
        logger.info({ cleanup: setup.options.cleanupOnStop === true }, 'nftables bouncer stopping');
        await fw.stop();
        logger.info({ ...fw.metrics() }, 'nftables bouncer stopped');
      },
    );
  });

  const nginx = bouncer
    .command('nginx')
    .description("serve nginx's auth_request endpoint (200 allow, 403 ban, 401 + X-Herd-Redirect captcha) until Ctrl-C/SIGTERM; the nginx side is shown in herd's bouncer docs. --config FILE: a YAML file with the same settings in snake_case");
  addOptions(nginx, NGINX_SPECS).action(async (_opts, cmd: Command) => {
    const setup = nginxOptionsFrom(explicitFlags(cmd), configFileOf(cmd), { env: process.env });
    const logger = loggerFor(setup);
    const server = createNginxAuthServer(setup.options, { logger, clock: systemClock });
    await runUntilSignal(
      async () => {
        const { host, port } = await server.listen();
        const where = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
        logger.info({ listen: where, mode: server.guard.bouncer.mode, failMode: server.guard.bouncer.failMode }, 'nginx auth endpoint running');
        process.stderr.write(`herd: nginx auth_request endpoint listening on ${where}\n`);
      },
      async () => {
        await server.close();
        logger.info({ ...server.guard.bouncer.metrics(), ...server.guard.metrics() }, 'nginx auth endpoint stopped');
      },
    );
  });
}
