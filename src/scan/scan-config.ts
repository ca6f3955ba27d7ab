/**
 * The scan configuration file (`herd scan --config scan.yaml`): the target, the description, the
 * users and their credentials, limits. Validated completely before anything is sent; an error
 * names the key and what would be valid. Values `${ENV_NAME}` are read from the environment, so
 * secrets stay out of the file (CI secrets).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { HerdError } from '../core/index.js';
import type { UserConfig } from './auth/credentials.js';

const nonEmpty = z.string().min(1);

const authSchema = z.union([
  z.object({ bearer: nonEmpty }).strict(),
  z.object({ header: z.object({ name: nonEmpty, value: nonEmpty }).strict() }).strict(),
  z.object({ query: z.object({ name: nonEmpty, value: nonEmpty }).strict() }).strict(),
  z.object({ cookie: nonEmpty }).strict(),
  z.object({ basic: z.object({ username: nonEmpty, password: z.string() }).strict() }).strict(),
  z
    .object({
      login: z
        .object({
          method: z.string().optional(),
          path: nonEmpty,
          body: z.unknown().optional(),
          contentType: z.string().optional(),
          tokenPath: z.string().optional(),
          use: z.string().regex(/^(bearer|cookie|header:[A-Za-z0-9-]+)$/, 'use is bearer, cookie or header:<Name>').optional(),
        })
        .strict(),
    })
    .strict(),
  z.object({ oauth2: z.object({ tokenUrl: z.string().url(), clientId: nonEmpty, clientSecret: nonEmpty, scope: z.string().optional() }).strict() }).strict(),
]);

export const scanConfigSchema = z
  .object({
    url: z.string().url().optional(),
    openapi: z.string().optional(),
    graphql: z.object({ endpoint: z.string().optional(), sdl: z.string().optional() }).strict().optional(),
    users: z
      .array(z.object({ name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a user name is letters, digits, _ . -'), role: z.enum(['user', 'admin']).default('user'), auth: authSchema }).strict())
      .default([]),
    safe: z.boolean().optional(),
    budget: z.number().int().positive().optional(),
    rate: z.number().nonnegative().optional(),
    concurrency: z.number().int().min(1).max(64).optional(),
    timeout: z.number().int().positive().optional(),
    checks: z.array(z.string()).optional(),
    exclude: z.array(z.string()).optional(),
  })
  .strict();

export type ScanConfig = Omit<z.infer<typeof scanConfigSchema>, 'users'> & { users: UserConfig[] };

/** `${NAME}` → process.env.NAME in every string of the document. */
function expandEnv(v: unknown, env: NodeJS.ProcessEnv, where: string): unknown {
  if (typeof v === 'string') {
    return v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]{0,127})\}/g, (_, name: string) => {
      const value = env[name];
      if (value === undefined) throw new HerdError('HERD_SCAN_CONFIG_INVALID', `${where}: the environment variable ${name} is not set`);
      return value;
    });
  }
  if (Array.isArray(v)) return v.map((x) => expandEnv(x, env, where));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expandEnv(x, env, where)]));
  return v;
}

export function parseScanConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): ScanConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw new HerdError('HERD_SCAN_CONFIG_INVALID', `${file}: not valid YAML (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = scanConfigSchema.safeParse(expandEnv(doc, env, file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HerdError('HERD_SCAN_CONFIG_INVALID', `${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data as ScanConfig;
}

export function readScanConfig(file: string): ScanConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new HerdError('HERD_SCAN_CONFIG_INVALID', `${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseScanConfig(text, file);
}
