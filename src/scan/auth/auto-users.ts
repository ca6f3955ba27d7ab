/**
 * When the scan is given no users, the authorization checks have nobody to act as. If the API
 * lets anyone sign up (an operation that registers with a user name or e-mail and a password) and
 * log in, two users are registered for the scan and logged in like configured ones (and again
 * after a 401). Only outside --safe: signing up creates data. The accounts are named `herd…` so
 * that they are easy to find and remove afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { ApiOperation, Exchange, RestApi, ScanRequest } from '../model.js';
import type { UserConfig } from './credentials.js';
import { valueFor } from '../explore/schema-values.js';
import { encodeBody } from '../explore/build-request.js';
import { parseJson } from '../explore/explore-rest.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const REGISTER = /(^|[/_-])(register|registration|signup|sign-up|sign_up|join|accounts?|users?)$/i;
const LOGIN = /(^|[/_-])(login|log-in|signin|sign-in|sign_in|session|sessions|token|auth|authenticate)$/i;
const PASSWORD = /^pass(word|wd)?$/i;
const NAME = /^(user_?name|login|handle)$/i;
const EMAIL = /^e-?mail$/i;

interface Fields {
  readonly password: string;
  readonly name?: string;
  readonly email?: string;
}

/**
 * The credential fields among a body's (or a GraphQL operation's) field names: a password and a
 * user name (`name` patterns) or an e-mail; undefined when they are not there.
 */
export function credentialFields(keys: readonly string[], name: RegExp = NAME): Fields | undefined {
  const password = keys.find((k) => PASSWORD.test(k));
  const user = keys.find((k) => name.test(k));
  const email = keys.find((k) => EMAIL.test(k));
  if (password === undefined || (user === undefined && email === undefined)) return undefined;
  return { password, ...(user !== undefined ? { name: user } : {}), ...(email !== undefined ? { email } : {}) };
}

function bodyFields(op: ApiOperation): Fields | undefined {
  const props = op.requestBody?.schema.properties;
  return isObj(props) ? credentialFields(Object.keys(props)) : undefined;
}

function lastSegment(op: ApiOperation): string {
  return op.path.replace(/\/+$/, '').split('/').pop() ?? '';
}

/** The sign-up and login operations, when the description has both. */
export function signupAndLogin(api: RestApi): { register: ApiOperation; login: ApiOperation } | undefined {
  const posts = api.operations.filter((op) => op.method === 'POST' && op.requestBody !== undefined && bodyFields(op) !== undefined);
  const login = posts.find((op) => LOGIN.test(lastSegment(op)) || /login|signin|authenticate/i.test(op.id));
  const register = posts.find((op) => op !== login && (REGISTER.test(lastSegment(op)) || /register|signup|createuser/i.test(op.id)) && !/reset|forgot|password/i.test(op.path));
  return login !== undefined && register !== undefined ? { register, login } : undefined;
}

/** The dotted path of the first token-like value in a login answer. */
export function tokenPathIn(json: unknown, prefix = '', depth = 0): string | undefined {
  if (!isObj(json) || depth > 3) return undefined;
  for (const [k, v] of Object.entries(json)) {
    const path = prefix === '' ? k : `${prefix}.${k}`;
    if (typeof v === 'string' && v.length >= 16 && (/token|jwt|bearer/i.test(k) || /^eyJ[\w-]+\.[\w-]+\./.test(v))) return path;
  }
  for (const [k, v] of Object.entries(json)) {
    const found = tokenPathIn(v, prefix === '' ? k : `${prefix}.${k}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Names and passwords of the two accounts a scan signs up: `herda…` and `herdb…`, one random tag per scan. */
export function scanAccounts(): { name: string; password: string }[] {
  const tag = randomBytes(3).toString('hex');
  return ['a', 'b'].map((who) => ({ name: `herd${who}${tag}`, password: `Herd-${randomBytes(9).toString('base64url')}-9` }));
}

export interface AutoUsersDeps {
  readonly api: RestApi;
  readonly root: URL;
  /** Sends without credentials (counted in the budget). */
  readonly send: (request: ScanRequest) => Promise<Exchange>;
}

/** Two registered and logged-in users as UserConfigs, or [] when the API does not allow it. */
export async function autoUsers(d: AutoUsersDeps): Promise<UserConfig[]> {
  const ops = signupAndLogin(d.api);
  if (ops === undefined) return [];
  const regFields = bodyFields(ops.register)!;
  const loginFields = bodyFields(ops.login)!;
  const url = (op: ApiOperation) => {
    const u = new URL(d.root.toString());
    u.pathname = `${d.root.pathname.replace(/\/$/, '')}${op.path}`;
    return u.toString();
  };
  const users: UserConfig[] = [];
  for (const { name, password } of scanAccounts()) {
    const values: Obj = { [regFields.password]: password };
    if (regFields.name !== undefined) values[regFields.name] = name;
    if (regFields.email !== undefined) values[regFields.email] = `${name}@example.com`;
    const body = { ...(valueFor(ops.register.requestBody!.schema, { optional: false }) as Obj), ...values };
    const reg = encodeBody(ops.register.requestBody!.contentType, body);
    const registered = await d.send({ method: 'POST', url: url(ops.register), headers: { 'content-type': reg.contentType }, body: reg.body });
    if (registered.response === null || registered.response.status >= 300) return [];
    const loginBody: Obj = { [loginFields.password]: password };
    if (loginFields.name !== undefined) loginBody[loginFields.name] = loginFields.name === regFields.name || regFields.email === undefined ? name : `${name}@example.com`;
    if (loginFields.email !== undefined) loginBody[loginFields.email] = `${name}@example.com`;
    const enc = encodeBody(ops.login.requestBody!.contentType, loginBody);
    const first = await d.send({ method: 'POST', url: url(ops.login), headers: { 'content-type': enc.contentType }, body: enc.body });
    const res = first.response;
    if (res === null || res.status >= 300) return [];
    const tokenPath = tokenPathIn(parseJson(res.body, res.headers['content-type']));
    const cookie = res.headers['set-cookie'] !== undefined;
    if (tokenPath === undefined && !cookie) return [];
    users.push({
      name,
      role: 'user',
      auth: {
        login: {
          path: new URL(url(ops.login)).pathname,
          body: ops.login.requestBody!.contentType.includes('json') ? loginBody : enc.body,
          contentType: enc.contentType,
          ...(tokenPath !== undefined ? { tokenPath } : { use: 'cookie' }),
        },
      },
    });
  }
  return users;
}
