import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { hubPaths } from '../hub/index.js';
import { parseCredentials, type Credentials } from './credentials-file.js';
import { HerdError, parseYamlDocuments, plain, validateYamlDoc, yAny, yOptBool, yOptInt, yOptString, yOptStringList } from '../core/index.js';

/**
 * herd's configuration: one YAML file (`--config`, default none), validated completely at start-up;
 * an error names the key, the file and line, and what would be valid. Every key is optional: with no
 * file at all herd runs its own content on embedded SQLite in `--data-dir`.
 */

export const configSchema = z
  .object({
    data_dir: yOptString(),
    content: z
      .object({
        builtin: yOptBool(),
        dirs: yOptStringList(),
      })
      .strict()
      .optional(),
    patterns_dirs: yOptStringList(),
    hub: z
      .object({
        /** Run the hub items installed with `herd hub install` (default true). */
        enabled: yOptBool(),
        /** Where `herd hub update/install` download from (default CrowdSec's hub CDN). */
        url: yOptString(),
      })
      .strict()
      .optional(),
    acquisition: z.array(yAny()).optional(),
    profiles: yOptString(),
    simulation: z
      .object({
        simulation: yOptBool(),
        exclusions: yOptStringList(),
      })
      .strict()
      .optional(),
    decisions: z
      .object({
        whitelist: yOptStringList(),
      })
      .strict()
      .optional(),
    flush: z
      .object({
        max_age: yOptString(),
        max_items: yOptInt(),
        interval: yOptString(),
      })
      .strict()
      .optional(),
    buckets: z
      .object({
        max_per_scenario: yOptInt(),
      })
      .strict()
      .optional(),
    store: z
      .object({
        type: z.preprocess(plain, z.enum(['sqlite', 'postgres'])).optional(),
        path: yOptString(),
        url: yOptString(),
        pool_size: yOptInt(),
      })
      .strict()
      .optional(),
    api: z
      .object({
        server: z
          .object({
            enable: yOptBool(),
            listen: yOptString(),
            jwt_secret: yOptString(),
            registration_token: yOptString(),
            tls: z
              .object({
                cert_file: yOptString(),
                key_file: yOptString(),
                ca_file: yOptString(),
                client_verification: z.preprocess(plain, z.enum(['none', 'request', 'require'])).optional(),
                bouncer_ou: yOptString(),
                agent_ou: yOptString(),
              })
              .strict()
              .optional(),
          })
          .strict()
          .optional(),
        client: z
          .object({
            url: yOptString(),
            login: yOptString(),
            password: yOptString(),
            credentials_file: yOptString(),
            /** PEM CA to trust for an https url (else the system's CAs). */
            ca_file: yOptString(),
            /** A client certificate (PEM) and key, for an API that checks agents' certificates. */
            cert_file: yOptString(),
            key_file: yOptString(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type HerdConfigFile = z.infer<typeof configSchema>;

export interface HerdConfig {
  /** Where the SQLite database (alerts, decisions, saved read offsets) lives. */
  dataDir: string;
  /** Content directories, each with `parsers/sNN-*` and `scenarios/` (herd's own first). */
  contentDirs: string[];
  patternsDirs: string[];
  /** Hub items installed under `<data_dir>/hub/installed` run beside the content dirs when enabled. */
  hub: { enabled: boolean; url: string | null };
  /** Acquisition entries in CrowdSec's acquis.yaml shape; empty means "use the defaults". */
  acquisition: unknown[];
  profilesFile: string;
  simulation: { global: boolean; exclusions: string[] };
  decisionWhitelist: string[] | null;
  flush: { maxAge: string; maxItems: number; interval: string };
  maxBucketsPerScenario: number;
  /** Where alerts and decisions live: SQLite in the data directory by default, or PostgreSQL. */
  store: { type: 'sqlite'; path: string } | { type: 'postgres'; url: string; poolSize?: number };
  api: {
    server: {
      enable: boolean;
      listen: string;
      jwtSecret: string | null;
      registrationToken: string | null;
      tls: { certFile: string; keyFile: string; caFile?: string; clientVerification: 'none' | 'request' | 'require'; bouncerOu?: string; agentOu?: string } | null;
    };
    /** Where `herd agent` sends its alerts (CrowdSec's local_api_credentials.yaml keys). */
    client: { url: string | null; login: string | null; password: string | null; caFile: string | null; certFile: string | null; keyFile: string | null };
  };
  /** The file the configuration came from, if any. */
  file: string | null;
}

export const DEFAULT_LISTEN = '127.0.0.1:8080';

/** The directory holding herd's own content (parsers, scenarios, patterns, profiles). */
export function builtinContentDir(): string {
  // dist/src/agent/herd-config.js or src/agent/herd-config.ts → <package>/content
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const dir = resolve(here, up, 'content');
    if (existsSync(join(dir, 'patterns'))) return dir;
  }
  throw new HerdError('HERD_CONTENT_MISSING', `herd's own content directory was not found near ${here}; reinstall the package`);
}

export const DEFAULT_DATA_DIR = '.herd';

export function loadHerdConfig(opts: { configFile?: string; dataDir?: string }): HerdConfig {
  let file: HerdConfigFile = {};
  let base = process.cwd();
  if (opts.configFile) {
    const path = resolve(opts.configFile);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new HerdError('HERD_CONFIG_READ', `cannot read the configuration file: ${(err as Error).message}`, { where: path });
    }
    const docs = parseYamlDocuments(text, path);
    if (docs.length > 1) throw new HerdError('HERD_CONFIG_INVALID', 'the configuration must be a single YAML document', { where: path });
    if (docs.length === 1) file = validateYamlDoc(configSchema, docs[0]!, path, 'configuration');
    base = dirname(path);
  }
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const builtin = builtinContentDir();
  const contentDirs = [...(file.content?.builtin === false ? [] : [builtin]), ...(file.content?.dirs ?? []).map(rel)];
  const dataDir = resolve(opts.dataDir ?? (file.data_dir ? rel(file.data_dir) : process.env.HERD_DATA_DIR ?? DEFAULT_DATA_DIR));
  const hubPatterns = hubPaths(dataDir).patterns;
  return {
    dataDir,
    contentDirs,
    // CrowdSec's pattern library fetched by `herd hub update` comes first: hub content is written
    // against its definitions; herd's own patterns add what it lacks.
    patternsDirs: file.patterns_dirs
      ? file.patterns_dirs.map(rel)
      : [...(existsSync(hubPatterns) ? [hubPatterns] : []), join(builtin, 'patterns')],
    hub: { enabled: file.hub?.enabled !== false, url: file.hub?.url ?? null },
    acquisition: file.acquisition ?? [],
    profilesFile: file.profiles ? rel(file.profiles) : join(builtin, 'profiles', 'profiles.yaml'),
    simulation: { global: file.simulation?.simulation === true, exclusions: file.simulation?.exclusions ?? [] },
    decisionWhitelist: file.decisions?.whitelist ?? null,
    flush: {
      maxAge: file.flush?.max_age ?? '168h',
      maxItems: file.flush?.max_items ?? 5000,
      interval: file.flush?.interval ?? '1m',
    },
    maxBucketsPerScenario: file.buckets?.max_per_scenario ?? 100_000,
    store: storeConfigOf(file, rel, dataDir),
    api: apiConfigOf(file, rel, dataDir),
    file: opts.configFile ? resolve(opts.configFile) : null,
  };
}

function storeConfigOf(file: HerdConfigFile, rel: (p: string) => string, dataDir: string): HerdConfig['store'] {
  const s = file.store;
  if (s?.type === 'postgres') {
    if (!s.url) throw new HerdError('HERD_CONFIG_INVALID', 'store.url is required with store.type: postgres (postgres://user:password@host:5432/herd)');
    return { type: 'postgres', url: s.url, ...(s.pool_size ? { poolSize: s.pool_size } : {}) };
  }
  return { type: 'sqlite', path: s?.path ? rel(s.path) : join(dataDir, 'herd.db') };
}

/** Where `herd lapi register` writes a machine's credentials, read when api.client names none. */
export const CREDENTIALS_FILE = 'local_api_credentials.yaml';

/** Reads a credentials file; `what` names where it was given, for the error. */
export function readCredentials(path: string, what: string): Credentials {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HerdError('HERD_CONFIG_READ', `cannot read ${what}: ${(err as Error).message}`, { where: path });
  }
  return parseCredentials(text, path);
}

function apiConfigOf(file: HerdConfigFile, rel: (p: string) => string, dataDir: string): HerdConfig['api'] {
  const server = file.api?.server;
  const tls = server?.tls;
  if (tls && (!tls.cert_file || !tls.key_file)) throw new HerdError('HERD_CONFIG_INVALID', 'api.server.tls needs cert_file and key_file');
  const client = file.api?.client ?? {};
  let creds: Credentials = {};
  const registered = join(dataDir, CREDENTIALS_FILE);
  const credentialsFile = client.credentials_file
    ? rel(client.credentials_file)
    : !client.url && !client.login && !client.password && existsSync(registered)
      ? registered
      : null;
  if (credentialsFile) creds = readCredentials(credentialsFile, 'api.client.credentials_file');
  return {
    server: {
      enable: server?.enable !== false,
      listen: server?.listen ?? DEFAULT_LISTEN,
      jwtSecret: server?.jwt_secret ?? null,
      registrationToken: server?.registration_token ?? null,
      tls: tls
        ? {
            certFile: rel(tls.cert_file!),
            keyFile: rel(tls.key_file!),
            ...(tls.ca_file ? { caFile: rel(tls.ca_file) } : {}),
            clientVerification: tls.client_verification ?? 'none',
            ...(tls.bouncer_ou ? { bouncerOu: tls.bouncer_ou } : {}),
            ...(tls.agent_ou ? { agentOu: tls.agent_ou } : {}),
          }
        : null,
    },
    client: {
      url: client.url ?? creds.url ?? null,
      login: client.login ?? creds.login ?? null,
      password: client.password ?? creds.password ?? null,
      caFile: client.ca_file ? rel(client.ca_file) : null,
      certFile: client.cert_file ? rel(client.cert_file) : null,
      keyFile: client.key_file ? rel(client.key_file) : null,
    },
  };
}

/** CrowdSec's simulation rule: global mode with exclusions, or the exclusions list alone. */
export function isSimulated(sim: HerdConfig['simulation'], scenario: string): boolean {
  const listed = sim.exclusions.includes(scenario);
  return sim.global ? !listed : listed;
}
