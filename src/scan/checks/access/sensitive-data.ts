/**
 * Finding secrets in JSON responses: fields named like passwords, hashes, keys and tokens, values
 * shaped like password hashes, private keys and (Luhn-valid) card numbers. Names are compared
 * without case or separators (`password_hash` = `passwordHash`); broad on purpose, but a name alone
 * is not enough where it is ambiguous (`hash`, `token`): the value must fit too.
 */
import { isObject, maskSecret, normalizeName } from './common.js';

export type SensitiveCategory = 'password' | 'password hash' | 'secret' | 'api key or token' | 'card number' | 'national id' | 'private key';

export interface SensitiveHit {
  /** The field's name as the response spells it. */
  readonly field: string;
  /** Where in the response (`items[0].passwordHash`). */
  readonly path: string;
  readonly category: SensitiveCategory;
  readonly masked: string;
  readonly severity: 'high' | 'medium';
}

const PASSWORD = new Set(['password', 'passwd', 'userpassword', 'plainpassword', 'cleartextpassword', 'passwordplain']);
const PASSWORD_HASH = new Set([
  'passwordhash', 'hashedpassword', 'passwordhashed', 'pwdhash', 'passhash', 'passwordsalt', 'passworddigest', 'encryptedpassword',
  'passwordencrypted', 'cryptedpassword', 'pwhash', 'hashpassword', 'userpasswordhash',
]);
const SECRET = new Set([
  'secret', 'clientsecret', 'apisecret', 'secretkey', 'privatekey', 'awssecretaccesskey', 'secretaccesskey', 'otpsecret', 'totpsecret',
  'mfasecret', 'twofactorsecret', 'tfasecret', 'recoverycodes', 'backupcodes', 'resettoken', 'passwordresettoken', 'resetpasswordtoken',
  'resetcode', 'emailverificationtoken', 'verificationtoken', 'confirmationtoken', 'activationtoken', 'magiclinktoken', 'signingkey',
  'webhooksecret', 'encryptionkey', 'cvv', 'cvc', 'cvv2', 'securitycode',
]);
const KEY_OR_TOKEN = new Set([
  'apikey', 'apitoken', 'accesskey', 'accesskeyid', 'accesstoken', 'authtoken', 'token', 'refreshtoken', 'sessiontoken', 'sessionid',
  'bearertoken', 'idtoken', 'jwt', 'personalaccesstoken', 'privatetoken', 'secrettoken', 'authkey', 'key',
]);
/** Tokens a login or refresh operation hands to its caller on purpose. */
const SESSION_TOKENS = new Set(['token', 'accesstoken', 'refreshtoken', 'idtoken', 'jwt', 'authtoken', 'sessiontoken', 'bearertoken', 'sessionid']);
const CARD = new Set(['cardnumber', 'creditcard', 'creditcardnumber', 'ccnumber', 'pan', 'cardno', 'cardnum', 'primaryaccountnumber']);
const NATIONAL_ID = new Set(['ssn', 'socialsecuritynumber', 'socialsecurity', 'nationalid', 'nationalidnumber', 'nationalinsurancenumber']);

const HASH_VALUE = [
  /^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$/, // bcrypt
  /^\$argon2(id|i|d)\$/,
  /^\$scrypt\$|^scrypt\$\d+\$/,
  /^\$(1|5|6|y|7|sha1)\$[^$]{1,}\$/, // crypt(3) family
  /^pbkdf2[_:-]?sha(1|256|512)?\$\d+\$/i,
  /^\{(SSHA|SHA|SSHA256|SSHA512|PBKDF2[^}]*)\}/,
];
const PRIVATE_KEY = /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/;
const HEX_DIGEST = /^[a-f0-9]{32}$|^[a-f0-9]{40}$|^[a-f0-9]{64}$|^[a-f0-9]{128}$/i;
const MASKED = /^[*xX•·.\-_#]+$|\*{3,}|redacted|hidden|^<[^>]*>$|^\[[^\]]*\]$|^(null|none|n\/a|undefined)$/i;
const FORMATTED_CARD = /^\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}$/;

export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function cardDigits(value: unknown): string | undefined {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value : undefined;
  if (text === undefined) return undefined;
  const digits = text.replace(/[ -]/g, '');
  if (!/^\d{13,19}$/.test(digits) || /^(\d)\1+$/.test(digits) || !luhn(digits)) return undefined;
  return /^(4|5[1-5]|2[2-7]|3[47]|6011|65|35|62)/.test(digits) ? digits : undefined;
}

function isPasswordHash(value: string): boolean {
  return HASH_VALUE.some((re) => re.test(value));
}

export interface ScanOptions {
  /** The caller's own bearer token: returning it is not a leak. */
  readonly ownToken?: string;
  /** The operation signs in or refreshes: the session tokens it returns are its job. */
  readonly authOperation: boolean;
}

function classify(key: string, value: unknown, siblings: Record<string, unknown>, options: ScanOptions): Omit<SensitiveHit, 'path' | 'field'> | undefined {
  const n = normalizeName(key);
  if (typeof value === 'string') {
    const v = value.trim();
    if (v === '' || MASKED.test(v)) return undefined;
    if (PRIVATE_KEY.test(v)) return { category: 'private key', masked: '-----BEGIN … PRIVATE KEY----- (redacted)', severity: 'high' };
    if (isPasswordHash(v)) return { category: 'password hash', masked: maskSecret(v), severity: 'high' };
    if (PASSWORD.has(n)) return { category: 'password', masked: maskSecret(v), severity: 'high' };
    if (PASSWORD_HASH.has(n)) return { category: 'password hash', masked: maskSecret(v), severity: 'high' };
    if ((n === 'hash' || n === 'salt' || n === 'digest') && HEX_DIGEST.test(v) && ['username', 'email', 'login', 'password'].some((k) => k in siblings)) {
      return { category: 'password hash', masked: maskSecret(v), severity: 'high' };
    }
    if (SECRET.has(n) && v.length >= 4) return { category: 'secret', masked: maskSecret(v), severity: 'high' };
    if (KEY_OR_TOKEN.has(n) && v.length >= 12 && !/\s/.test(v)) {
      if (options.ownToken !== undefined && v === options.ownToken) return undefined;
      if (options.authOperation && SESSION_TOKENS.has(n)) return undefined;
      // A bare `key` is often an ordinary identifier: only values shaped like API keys count.
      if (n === 'key' && !/^(sk|rk|api|key|secret)[-_][A-Za-z0-9_-]{16,}$/i.test(v)) return undefined;
      return { category: 'api key or token', masked: maskSecret(v), severity: 'medium' };
    }
    if (NATIONAL_ID.has(n) && /\d/.test(v)) return { category: 'national id', masked: maskSecret(v), severity: 'high' };
  }
  const card = CARD.has(n) || (typeof value === 'string' && FORMATTED_CARD.test(value.trim())) ? cardDigits(value) : undefined;
  if (card !== undefined) return { category: 'card number', masked: `**** **** **** ${card.slice(-4)}`, severity: 'high' };
  return undefined;
}

/** Every sensitive field in a JSON value (at most `limit`, the walk bounded in depth and width). */
export function findSensitive(value: unknown, options: ScanOptions, limit = 50): SensitiveHit[] {
  const hits: SensitiveHit[] = [];
  const walk = (v: unknown, path: string, depth: number): void => {
    if (hits.length >= limit || depth > 10) return;
    if (Array.isArray(v)) {
      v.slice(0, 50).forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1));
      return;
    }
    if (!isObject(v)) return;
    for (const [key, child] of Object.entries(v)) {
      const at = path === '' ? key : `${path}.${key}`;
      const hit = classify(key, child, v, options);
      if (hit !== undefined) hits.push({ ...hit, field: key, path: at });
      else walk(child, at, depth + 1);
    }
  };
  walk(value, '', 0);
  return hits;
}

