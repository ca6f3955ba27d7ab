import { Command } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explicitFlags, nftablesOptionsFrom, nginxOptionsFrom, registerBouncer, type BouncerConfigFile } from './bouncer.js';
import { herdErrorOf } from '../../test/support/herd-error.js';

const SEED = { seed: 20260301 };
const API = { apiUrl: 'http://127.0.0.1:8080/', apiKey: 'a-bouncer-key-of-some-length' };
const yaml = (text: string, path = '/etc/herd/bouncer.yaml'): BouncerConfigFile => ({ path, text });

/** The flags commander records for argv, as the command's action sees them. */
async function parsedFlags(command: 'nftables' | 'nginx', argv: string[]): Promise<{ flags: Record<string, unknown>; config?: string }> {
  const program = new Command('herd').option('-c, --config <file>').exitOverride();
  registerBouncer(program);
  const cmd = program.commands.find((c) => c.name() === 'bouncer')!.commands.find((c) => c.name() === command)!;
  let seen: { flags: Record<string, unknown>; config?: string } | undefined;
  cmd.exitOverride().action((_opts, c: Command) => {
    seen = { flags: explicitFlags(c), config: c.optsWithGlobals<{ config?: string }>().config };
  });
  await program.parseAsync(['node', 'herd', 'bouncer', command, ...argv]);
  return seen!;
}

describe('nftablesOptionsFrom', () => {
  it('needs only the API URL and key; the table is removed on stop unless --no-cleanup', () => {
    expect(nftablesOptionsFrom(API)).toEqual({ options: { url: API.apiUrl, apiKey: API.apiKey, cleanupOnStop: true }, logLevel: undefined, warnings: [] });
    expect(nftablesOptionsFrom({ ...API, cleanup: false }).options.cleanupOnStop).toBe(false);
  });

  it('maps every flag onto the bouncer options', () => {
    const { options, logLevel } = nftablesOptionsFrom({
      ...API,
      updateFrequency: '2s',
      apiTimeout: '1500ms',
      logLevel: 'debug',
      scopes: 'ip,range',
      origins: 'crowdsec, cscli',
      scenariosContaining: 'ssh',
      scenariosNotContaining: 'http-probing',
      table: 'fw',
      set4: 'bans4',
      set6: 'bans6',
      hooks: 'input,forward',
      priority: '-5',
      types: 'ban,throttle',
      maxTimeout: '24h',
      nft: '/usr/sbin/nft',
    });
    expect(logLevel).toBe('debug');
    expect(options).toEqual({
      url: API.apiUrl,
      apiKey: API.apiKey,
      timeoutMs: 1500,
      scopes: ['ip', 'range'],
      origins: ['crowdsec', 'cscli'],
      scenariosContaining: ['ssh'],
      scenariosNotContaining: ['http-probing'],
      updateFrequency: 2000,
      nftables: { table: 'fw', setV4: 'bans4', setV6: 'bans6', hooks: ['input', 'forward'], priority: -5 },
      types: ['ban', 'throttle'],
      maxTimeout: 24 * 3600_000,
      nftCommand: ['/usr/sbin/nft'],
      cleanupOnStop: true,
    });
  });

  it('reads the same settings from a YAML file in snake_case, with ${VAR} taken from the environment', () => {
    const file = yaml(`api_url: http://10.0.0.5:8080/
api_key: \${FW_KEY}
update_frequency: 30s
table: fw
blacklists_ipv4: bans4
blacklists_ipv6: bans6
nftables_hooks: [input, prerouting]
priority: 5
supported_decisions_types:
  - ban
cleanup_on_stop: no
`);
    const { options } = nftablesOptionsFrom({}, file, { env: { FW_KEY: 'key-from-the-environment' } });
    expect(options).toMatchObject({
      url: 'http://10.0.0.5:8080/',
      apiKey: 'key-from-the-environment',
      updateFrequency: 30_000,
      nftables: { table: 'fw', setV4: 'bans4', setV6: 'bans6', hooks: ['input', 'prerouting'], priority: 5 },
      types: ['ban'],
      cleanupOnStop: false,
    });
  });

  it('takes a flag over the environment over the file', () => {
    const file = yaml('api_url: http://10.0.0.5:8080/\napi_key: from-the-file\nupdate_frequency: 30s\n');
    const env = { HERD_BOUNCER_API_KEY: 'from-the-environment' };
    expect(nftablesOptionsFrom({}, file).options.apiKey).toBe('from-the-file');
    expect(nftablesOptionsFrom({}, file, { env }).options.apiKey).toBe('from-the-environment');
    expect(nftablesOptionsFrom({ apiKey: 'from-the-flag' }, file, { env }).options.apiKey).toBe('from-the-flag');
    expect(nftablesOptionsFrom({ updateFrequency: '1s', apiUrl: 'http://127.0.0.1:9000/' }, file).options).toMatchObject({ updateFrequency: 1000, url: 'http://127.0.0.1:9000/' });
  });

  it("accepts crowdsec-firewall-bouncer's own file, warning about the keys herd does not use", () => {
    const file = yaml(`mode: nftables
update_frequency: 10s
log_mode: file
log_dir: /var/log/
log_level: info
api_url: http://127.0.0.1:8080/
api_key: \${API_KEY}
insecure_skip_verify: false
disable_ipv6: false
deny_action: DROP
supported_decisions_types:
  - ban
blacklists_ipv4: crowdsec-blacklists
blacklists_ipv6: crowdsec6-blacklists
nftables:
  ipv4:
    enabled: true
    table: crowdsec
nftables_hooks:
  - input
  - forward
prometheus:
  enabled: false
`);
    const setup = nftablesOptionsFrom({}, file, { env: { API_KEY: 'the-key' } });
    expect(setup.options).toMatchObject({ apiKey: 'the-key', nftables: { setV4: 'crowdsec-blacklists', setV6: 'crowdsec6-blacklists', hooks: ['input', 'forward'] }, tls: { rejectUnauthorized: true } });
    expect(setup.logLevel).toBe('info');
    expect(setup.warnings.map((w) => w.split(': ')[1]!.split(' ')[0])).toEqual(['log_mode', 'log_dir', 'disable_ipv6', 'deny_action', 'nftables', 'prometheus']);
    expect(setup.warnings[0]).toMatch(/^\/etc\/herd\/bouncer\.yaml:3: log_mode is a CrowdSec/);
    const iptables = herdErrorOf(() => nftablesOptionsFrom(API, yaml('mode: iptables\n')));
    expect(iptables.message).toMatch(/^\/etc\/herd\/bouncer\.yaml:1: mode: 'iptables'.*nftables only/);
  });

  it('reads TLS files relative to the config file, and flags relative to the working directory', () => {
    const files: Record<string, string> = { '/etc/herd/ca.pem': 'CA', '/etc/herd/tls/me.pem': 'CERT', '/srv/me.key': 'KEY' };
    const readFile = (p: string): string => {
      if (!(p in files)) throw new Error(`ENOENT: no such file, open '${p}'`);
      return files[p]!;
    };
    const file = yaml('ca_cert_path: ca.pem\ncert_path: tls/me.pem\n');
    const { options } = nftablesOptionsFrom({ ...API, keyPath: 'me.key' }, file, { readFile, cwd: '/srv' });
    expect(options.tls).toEqual({ ca: 'CA', cert: 'CERT', key: 'KEY' });
    const missing = herdErrorOf(() => nftablesOptionsFrom({ ...API, caCertPath: 'nope.pem' }, null, { readFile, cwd: '/srv' }));
    expect(missing.message).toContain("--ca-cert-path: cannot read '/srv/nope.pem'");
    expect(herdErrorOf(() => nftablesOptionsFrom({ ...API, certPath: '/srv/me.key' }, null, { readFile })).message).toMatch(/^--cert-path: needs key_path/);
  });
});

describe('a bad setting stops the start with an error naming it', () => {
  const flagCases: [string, Record<string, unknown>, RegExp][] = [
    ['a missing URL', { apiKey: API.apiKey }, /^--api-url is missing/],
    ['a URL that is not http', { ...API, apiUrl: 'ftp://127.0.0.1/' }, /^--api-url: 'ftp:\/\/127\.0\.0\.1\/' is not an http\(s\) URL/],
    ['a URL that does not parse', { ...API, apiUrl: '127.0.0.1:8080' }, /^--api-url: '127\.0\.0\.1:8080' is not an http\(s\) URL/],
    ['a missing key', { apiUrl: API.apiUrl }, /^--api-key is missing: .*herd bouncers add NAME.*\$HERD_BOUNCER_API_KEY/],
    ['an empty key', { ...API, apiKey: '' }, /^--api-key: is empty/],
    ['a duration without unit', { ...API, updateFrequency: '10' }, /^--update-frequency: '10' is not a duration/],
    ['a negative duration', { ...API, updateFrequency: '-1s' }, /^--update-frequency: '-1s' is too short; it must be at least 10ms/],
    ['a kernel timeout under a minute', { ...API, maxTimeout: '30s' }, /^--max-timeout: '30s' is too short; it must be at least 60s/],
    ['a bad log level', { ...API, logLevel: 'loud' }, /^--log-level: 'loud' is not one of trace, debug/],
    ['a table name nft refuses', { ...API, table: '1herd' }, /^--table: '1herd' is not a valid nft name/],
    ['a set name with a space', { ...API, set4: 'my set' }, /^--set4: 'my set' is not a valid nft name/],
    ['one name for both sets', { ...API, set4: 'bans', set6: 'bans' }, /^--set6: 'bans' is also the IPv4 set/],
    ['an unknown hook', { ...API, hooks: 'input,output' }, /^--hooks: 'output' is not one of input, forward, prerouting/],
    ['an empty hook list', { ...API, hooks: ',' }, /^--hooks: is empty/],
    ['a priority out of range', { ...API, priority: '5000' }, /^--priority: '5000' must be a whole number from -1000 to 1000/],
    ['a priority that is not a number', { ...API, priority: 'high' }, /^--priority: 'high' must be a whole number/],
    ['no decision type', { ...API, types: '' }, /^--types: is empty/],
  ];
  it.each(flagCases)('nftables: %s', (_what, flags, message) => {
    const err = herdErrorOf(() => nftablesOptionsFrom(flags));
    expect(err.code).toBe('HERD_CLI_ARG');
    expect(err.message).toMatch(message);
  });

  const fileCases: [string, string, RegExp][] = [
    ['an unknown key, with its line', 'api_url: http://127.0.0.1:8080/\napi_kee: x\n', /^\/b\.yaml:2: unknown key 'api_kee'; the keys are api_url, api_key/],
    ['a bad duration, with its line', 'api_url: http://127.0.0.1:8080/\n\nupdate_frequency: soon\n', /^\/b\.yaml:3: update_frequency: 'soon' is not a duration/],
    ['a list where a value goes', 'api_url: [a, b]\n', /^\/b\.yaml:1: api_url: must be a single value/],
    ['a map where a list goes', 'api_url: http://127.0.0.1:8080/\nnftables_hooks: {input: true}\n', /^\/b\.yaml:2: nftables_hooks: must be a list of words/],
    ['a word where a boolean goes', 'api_url: http://127.0.0.1:8080/\ncleanup_on_stop: sometimes\n', /^\/b\.yaml:2: cleanup_on_stop: 'sometimes' must be true or false/],
    ['a fractional priority', 'api_url: http://127.0.0.1:8080/\npriority: 1.5\n', /^\/b\.yaml:2: priority: '1\.5' must be a whole number/],
    ['a list as the document', '- api_url\n', /^\/b\.yaml:1: the bouncer configuration must be a map/],
    ['two documents', 'table: a\n---\ntable: b\n', /^\/b\.yaml: the bouncer configuration must be a single YAML document/],
    ['broken YAML', 'api_url: "http://x\n', /^\/b\.yaml:\d: invalid YAML/],
  ];
  it.each(fileCases)('nftables file: %s', (_what, text, message) => {
    const err = herdErrorOf(() => nftablesOptionsFrom({ apiKey: API.apiKey }, yaml(text, '/b.yaml')));
    expect(err.message).toMatch(message);
  });

  const nginxCases: [string, Record<string, unknown>, RegExp][] = [
    ['a listen address without port', { ...API, listen: '127.0.0.1' }, /^--listen: '127\.0\.0\.1' must be host:port/],
    ['a port out of range', { ...API, listen: '127.0.0.1:70000' }, /^--listen: .* must be host:port/],
    ['an unknown mode', { ...API, mode: 'push' }, /^--mode: 'push' is not one of live, stream/],
    ['an unknown fail mode', { ...API, failMode: 'maybe' }, /^--fail-mode: 'maybe' is not one of open, closed/],
    ['a trusted peer that is not an address', { ...API, trustedPeers: '127.0.0.1,nginx.local' }, /^--trusted-peers: 'nginx\.local' is not an IP address or CIDR range/],
    ['a header name with a space', { ...API, ipHeader: 'X Real IP' }, /^--ip-header: 'X Real IP' is not an HTTP header name/],
    ['a cache of no entries', { ...API, cacheSize: '0' }, /^--cache-size: '0' must be a whole number from 1/],
    ['a captcha provider without its keys', { ...API, captchaProvider: 'turnstile', captchaSiteKey: 'site' }, /^captcha_secret_key is missing: .*\$HERD_CAPTCHA_SECRET_KEY/],
  ];
  it.each(nginxCases)('nginx: %s', (_what, flags, message) => {
    expect(herdErrorOf(() => nginxOptionsFrom(flags)).message).toMatch(message);
  });

  it('nginx: a short captcha secret from the environment names the variable', () => {
    expect(herdErrorOf(() => nginxOptionsFrom(API, null, { env: { HERD_CAPTCHA_SECRET: 'short' } })).message).toMatch(/^\$HERD_CAPTCHA_SECRET: must be at least 16 bytes/);
  });
});

describe('nginxOptionsFrom', () => {
  it('maps flags, environment and file onto the auth endpoint options', () => {
    const file = yaml('api_url: http://127.0.0.1:8080/\nmode: stream\nupdate_frequency: 2s\ntrusted_peers: [10.0.0.0/8]\ncaptcha_provider: hcaptcha\ncaptcha_site_key: site\n');
    const env = { HERD_BOUNCER_API_KEY: 'k'.repeat(20), HERD_CAPTCHA_SECRET: 's'.repeat(32), HERD_CAPTCHA_SECRET_KEY: 'provider-secret' };
    const { options } = nginxOptionsFrom({ listen: '[::1]:0', failMode: 'closed', ipHeader: 'X-Forwarded-For', cacheTtl: '0s', fallbackRemediation: 'captcha' }, file, { env });
    expect(options).toEqual({
      url: 'http://127.0.0.1:8080/',
      apiKey: 'k'.repeat(20),
      listen: '[::1]:0',
      mode: 'stream',
      updateFrequency: 2000,
      cacheTtl: 0,
      failMode: 'closed',
      trustedPeers: ['10.0.0.0/8'],
      ipHeader: 'X-Forwarded-For',
      fallbackRemediation: 'captcha',
      captcha: { secret: 's'.repeat(32), provider: { kind: 'hcaptcha', siteKey: 'site', secretKey: 'provider-secret' } },
    });
  });

  it("refuses the firewall bouncer's CrowdSec-only keys: this file is herd's own", () => {
    expect(herdErrorOf(() => nginxOptionsFrom(API, yaml('log_mode: file\n'))).message).toMatch(/unknown key 'log_mode'/);
  });
});

describe('properties', () => {
  const durationText = fc
    .tuple(fc.integer({ min: 0, max: 48 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 1, max: 59 }), fc.integer({ min: 0, max: 999 }))
    .map(([h, m, s, ms]) => ({ text: `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s}s${ms ? `${ms}ms` : ''}`, ms: ((h * 60 + m) * 60 + s) * 1000 + ms }));

  it('a setting means the same from a flag, from the file and (for the key) from the environment', () => {
    const nameArb = fc.stringMatching(/^[a-z][a-z0-9_-]{0,20}$/);
    fc.assert(
      fc.property(durationText, nameArb, fc.subarray(['input', 'forward', 'prerouting'] as const, { minLength: 1 }), fc.integer({ min: -1000, max: 1000 }), (d, table, hooks, priority) => {
        const fromFlags = nftablesOptionsFrom({ ...API, updateFrequency: d.text, table, hooks: hooks.join(','), priority: String(priority) });
        const fromFile = nftablesOptionsFrom(
          { apiUrl: API.apiUrl },
          yaml(`update_frequency: ${d.text}\ntable: ${table}\nnftables_hooks:\n${hooks.map((h) => `  - ${h}\n`).join('')}priority: ${priority}\n`),
          { env: { HERD_BOUNCER_API_KEY: API.apiKey } },
        );
        expect(fromFile).toEqual(fromFlags);
        expect(fromFlags.options.updateFrequency).toBe(d.ms);
      }),
      { ...SEED, numRuns: 200 },
    );
  });

  it('a flag wins over the file for every setting it gives, and the file fills in the rest', () => {
    const settings = {
      update_frequency: ['updateFrequency', ['1s', '2m', '90s']],
      table: ['table', ['herd', 'fw', 'edge']],
      blacklists_ipv4: ['set4', ['v4a', 'v4b']],
      nftables_hooks: ['hooks', ['input', 'forward', 'input,prerouting']],
      supported_decisions_types: ['types', ['ban', 'ban,captcha']],
    } as const;
    type Key = keyof typeof settings;
    const keys = Object.keys(settings) as Key[];
    const pick = (k: Key) => fc.constantFrom(...settings[k][1]);
    const choice = fc.record(Object.fromEntries(keys.map((k) => [k, fc.record({ file: fc.option(pick(k), { nil: undefined }), flag: fc.option(pick(k), { nil: undefined }) })])) as { [K in Key]: fc.Arbitrary<{ file?: string; flag?: string }> });
    fc.assert(
      fc.property(choice, (c) => {
        const flags: Record<string, unknown> = { ...API };
        const expected: Record<string, unknown> = { ...API };
        let text = '';
        for (const k of keys) {
          const { file, flag } = c[k];
          if (file !== undefined) text += `${k}: ${JSON.stringify(file)}\n`;
          if (flag !== undefined) flags[settings[k][0]] = flag;
          const v = flag ?? file;
          if (v !== undefined) expected[settings[k][0]] = v;
        }
        expect(nftablesOptionsFrom(flags, yaml(text))).toEqual(nftablesOptionsFrom(expected));
      }),
      { ...SEED, numRuns: 200 },
    );
  });
});

describe('the commands parse their flags', () => {
  it('records only the flags given, under the names the setup reads, and the global --config', async () => {
    const { flags, config } = await parsedFlags('nftables', ['--api-url', 'http://127.0.0.1:8080/', '--set4', 'a4', '--set6', 'a6', '--priority', '-5', '--no-cleanup', '-c', 'fw.yaml']);
    expect(flags).toEqual({ apiUrl: 'http://127.0.0.1:8080/', set4: 'a4', set6: 'a6', priority: '-5', cleanup: false });
    expect(config).toBe('fw.yaml');
    const { options } = nftablesOptionsFrom(flags, yaml('api_key: from-file\ncleanup_on_stop: true\n'));
    expect(options).toMatchObject({ apiKey: 'from-file', nftables: { setV4: 'a4', setV6: 'a6', priority: -5 }, cleanupOnStop: false });
  });

  it('leaves cleanup to the file when --no-cleanup is not given', async () => {
    const { flags } = await parsedFlags('nftables', ['--api-key', 'k']);
    expect(flags).toEqual({ apiKey: 'k' });
    expect(nftablesOptionsFrom({ ...flags, apiUrl: API.apiUrl }, yaml('cleanup_on_stop: false\n')).options.cleanupOnStop).toBe(false);
  });

  it('nginx: every flag reaches the setup', async () => {
    const { flags } = await parsedFlags('nginx', ['--api-url', 'http://127.0.0.1:8080/', '--api-key', 'k', '--listen', '127.0.0.1:0', '--mode', 'stream', '--trusted-peers', '127.0.0.1', '--insecure-skip-verify']);
    expect(nginxOptionsFrom(flags).options).toEqual({ url: 'http://127.0.0.1:8080/', apiKey: 'k', listen: '127.0.0.1:0', mode: 'stream', trustedPeers: ['127.0.0.1'], tls: { rejectUnauthorized: false } });
  });
});
