/**
 * Evidence goes into CI logs, SARIF uploads and HTML reports: secrets in it are masked. Credentials
 * headers (Authorization, Cookie, Set-Cookie, API keys), JWTs anywhere, and the values of JSON or
 * form fields named like passwords, secrets and tokens keep a short prefix and lose the rest.
 */
import type { Exchange, ScanRequest, ScanResponse } from './model.js';

const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token|x-access-token)$/i;
const SECRET_FIELD = /pass(word|wd)?|secret|token|api_?key|apikey|private_?key|credential|session/i;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

export function mask(value: string): string {
  if (value.length <= 4) return '****';
  return `${value.slice(0, Math.min(4, Math.floor(value.length / 4)))}****`;
}

function redactText(text: string): string {
  let out = text.replace(JWT, (t) => mask(t));
  // "password": "…" in JSON, password=… in forms and query strings.
  out = out.replace(/("([A-Za-z0-9_-]{1,64})"\s*:\s*")([^"\\]{1,4096})(")/g, (whole, head: string, key: string, value: string, tail: string) =>
    SECRET_FIELD.test(key) ? `${head}${mask(value)}${tail}` : whole,
  );
  out = out.replace(/(^|[?&\s])([A-Za-z0-9_-]{1,64})=([^&\s]{1,4096})/g, (whole, lead: string, key: string, value: string) =>
    SECRET_FIELD.test(key) ? `${lead}${key}=${mask(value)}` : whole,
  );
  return out;
}

function redactHeaders(h: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (!SECRET_HEADER.test(k)) out[k] = redactText(v);
    else if (/^authorization$/i.test(k) && / /.test(v)) out[k] = `${v.split(' ')[0]} ${mask(v.slice(v.indexOf(' ') + 1))}`;
    else out[k] = v.split(/[;\n]/).map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? mask(part.trim()) : `${part.slice(0, eq + 1).trim()}${mask(part.slice(eq + 1).trim())}`;
    }).join('; ');
  }
  return out;
}

export function redactExchange(e: Exchange): Exchange {
  const request: ScanRequest = {
    method: e.request.method,
    url: redactText(e.request.url),
    headers: redactHeaders(e.request.headers),
    ...(e.request.body !== undefined ? { body: redactText(e.request.body) } : {}),
  };
  const response: ScanResponse | null =
    e.response === null ? null : { ...e.response, headers: redactHeaders(e.response.headers), body: redactText(e.response.body) };
  return { request, response, ...(e.error !== undefined ? { error: e.error } : {}) };
}
