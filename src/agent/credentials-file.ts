import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { HerdError, parseYamlDocuments, plain } from '../core/index.js';

/**
 * A machine's credentials for a local API, as CrowdSec's `local_api_credentials.yaml`: `url`,
 * `login`, `password`. Written by `herd machines add -f` and `herd lapi register`; read by
 * `herd agent` (api.client.credentials_file, --credentials, or the data directory's default).
 */
export interface Credentials {
  url?: string;
  login?: string;
  password?: string;
}

/** Parses a credentials file's text; `where` names it in errors. */
export function parseCredentials(text: string, where: string): Credentials {
  const docs = parseYamlDocuments(text, where);
  const v = (docs[0] ? plain(docs[0].value) : {}) as Record<string, unknown>;
  const field = (key: string): string | undefined => {
    const x = v[key];
    if (x === undefined || x === null) return undefined;
    if (typeof x !== 'string' && typeof x !== 'number') throw new HerdError('HERD_CONFIG_INVALID', `${key} in the credentials file must be a string`, { where });
    return String(x);
  };
  return { url: field('url'), login: field('login'), password: field('password') };
}

/**
 * Writes a credentials file readable by its owner only. Every value is double-quoted: a password
 * like `.`, `on` or `0777` means something else to a YAML 1.1 reader (herd's, Go's yaml.v2).
 */
export function writeCredentials(path: string, creds: Required<Credentials>): void {
  const text = stringify({ url: creds.url, login: creds.login, password: creds.password }, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
  writeFileSync(path, text, { mode: 0o600 });
}
