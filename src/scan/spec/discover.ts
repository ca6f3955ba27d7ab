/**
 * Finding the API description when none is given: the well-known places frameworks serve OpenAPI
 * documents, then the documentation pages that point at one (Swagger UI, swagger-ui-express's
 * inline document, ReDoc, FastAPI's /docs), then the usual GraphQL endpoints. Paths are tried under
 * the base URL's path and, when that is not the root, at the root too. Every probe goes through the
 * scan client, so nothing leaves the base URL's origin.
 */
import type { HttpScanClient } from '../http/scan-client.js';

export const SPEC_PATHS: readonly string[] = [
  '/openapi.json',
  '/openapi.yaml',
  '/swagger.json',
  '/swagger.yaml',
  '/v3/api-docs',
  '/v2/api-docs',
  '/api-docs',
  '/api-docs.json',
  '/api/openapi.json',
  '/api/openapi.yaml',
  '/api/swagger.json',
  '/api/swagger.yaml',
  '/api/v1/openapi.json',
  '/api/v1/swagger.json',
  '/api/v2/swagger.json',
  '/api/docs/openapi.json',
  '/docs/openapi.json',
  '/swagger/v1/swagger.json',
  '/swagger/doc.json',
  '/api/schema/',
  '/openapi',
];

/** Pages that render a description (and name where it is, or carry it inline). */
export const DOC_PAGES: readonly string[] = ['/docs', '/api-docs/', '/swagger-ui.html', '/swagger-ui/', '/swagger/', '/swagger/index.html', '/redoc', '/api/docs', '/api/swagger-ui/'];

export const GRAPHQL_PATHS: readonly string[] = ['/graphql', '/api/graphql', '/graphql/v1', '/v1/graphql', '/query', '/gql'];

export type Discovered = { kind: 'openapi'; url: string; text: string } | { kind: 'graphql'; endpoint: string };

/** A page's scripts that configure Swagger UI (swagger-ui-express, Swagger UI 4+). */
const CONFIG_SCRIPTS = ['swagger-ui-init.js', 'swagger-initializer.js'];
/** The most text looked at in a page or script. */
const PAGE_CHARS = 1 << 20;

export function looksLikeSpec(text: string): boolean {
  return /["']?(openapi|swagger)["']?\s*:\s*["']?[23]/.test(text.slice(0, 4096));
}

export async function discoverSpec(client: HttpScanClient, baseUrl: URL): Promise<Discovered | undefined> {
  const prefixes = [...new Set([baseUrl.pathname.replace(/\/$/, ''), ''])];
  const at = (prefix: string, path: string): string => {
    const url = new URL(baseUrl.toString());
    url.pathname = `${prefix}${path}`;
    url.search = '';
    url.hash = '';
    return url.toString();
  };
  const get = async (url: string, accept: string): Promise<string | null> => {
    const ex = await client.sendRaw({ method: 'GET', url, headers: { accept } });
    return ex.response?.status === 200 ? ex.response.body : null;
  };
  for (const prefix of prefixes) {
    for (const path of SPEC_PATHS) {
      const url = at(prefix, path);
      const body = await get(url, 'application/json, application/yaml;q=0.9');
      if (body !== null && looksLikeSpec(body)) return { kind: 'openapi', url, text: body };
    }
  }
  for (const prefix of prefixes) {
    for (const page of DOC_PAGES) {
      const found = await fromDocPage(at(prefix, page), baseUrl, get);
      if (found !== undefined) return found;
    }
  }
  for (const prefix of prefixes) {
    for (const path of GRAPHQL_PATHS) {
      const url = at(prefix, path);
      let ex = await client.sendRaw({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' });
      // Under --safe the client refuses POST: the query goes as GET, as the GraphQL transport does.
      if (ex.response === null && ex.error?.startsWith('refused') === true) ex = await client.sendRaw({ method: 'GET', url: `${url}?query=${encodeURIComponent('{__typename}')}`, headers: { accept: 'application/json' } });
      if (ex.response?.status === 200 && /"__typename"\s*:\s*"/.test(ex.response.body)) return { kind: 'graphql', endpoint: `${prefix}${path}` };
    }
  }
  return undefined;
}

type Get = (url: string, accept: string) => Promise<string | null>;

/** The description a documentation page shows: inline, or at a URL its configuration names. */
async function fromDocPage(pageUrl: string, baseUrl: URL, get: Get): Promise<Discovered | undefined> {
  const page = await get(pageUrl, 'text/html');
  if (page === null) return undefined;
  const html = page.slice(0, PAGE_CHARS);
  const texts = [html];
  for (const script of CONFIG_SCRIPTS) {
    if (!html.includes(script)) continue;
    const src = sameOrigin(scriptSrc(html, script) ?? script, pageUrl, baseUrl);
    const js = src === null ? null : await get(src, '*/*');
    if (js !== null) texts.push(js.slice(0, PAGE_CHARS));
  }
  for (const text of texts) {
    const inline = inlineSwaggerDoc(text);
    if (inline !== null) return { kind: 'openapi', url: pageUrl, text: inline };
  }
  for (const text of texts) {
    for (const candidate of specUrlsIn(text)) {
      const url = sameOrigin(candidate, pageUrl, baseUrl);
      if (url === null) continue;
      const body = await get(url, 'application/json, application/yaml;q=0.9');
      if (body !== null && looksLikeSpec(body)) return { kind: 'openapi', url, text: body };
    }
  }
  return undefined;
}

/** The `src` of the script tag loading `name`, when there is one. */
function scriptSrc(html: string, name: string): string | null {
  const i = html.indexOf(name);
  const quote = Math.max(html.lastIndexOf('"', i), html.lastIndexOf("'", i));
  return quote >= 0 && i - quote < 300 ? html.slice(quote + 1, i + name.length) : null;
}

/** A URL relative to the page, kept only when it is on the scanned origin. */
function sameOrigin(candidate: string, pageUrl: string, baseUrl: URL): string | null {
  try {
    const url = new URL(candidate, pageUrl);
    return url.origin === baseUrl.origin ? url.toString() : null;
  } catch {
    return null;
  }
}

/**
 * Where Swagger UI, ReDoc and RapiDoc configurations say the document is: `url: "…"` (also inside
 * `urls: [...]`), `spec-url="…"`, `Redoc.init("…")`. Bounded character classes: linear on any text.
 */
export function specUrlsIn(text: string): string[] {
  const found: string[] = [];
  const patterns = [/\burl["']?\s*:\s*["']([^"'\s]{1,500})["']/g, /\bspec-url\s*=\s*["']([^"'\s]{1,500})["']/g, /\bRedoc\.init\(\s*["']([^"'\s]{1,500})["']/g];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) {
      const url = m[1]!;
      if (!found.includes(url) && !/\.(js|css|png|svg|ico|html?)(\?|$)/i.test(url)) found.push(url);
      if (found.length >= 10) return found;
    }
  }
  return found;
}

/**
 * swagger-ui-express puts the whole document in its init script: `"swaggerDoc": {…}`. The object is
 * cut out by counting braces outside strings (one pass) and must parse as JSON.
 */
export function inlineSwaggerDoc(text: string): string | null {
  const key = text.search(/"swaggerDoc"\s*:\s*\{/);
  if (key < 0) return null;
  const start = text.indexOf('{', key + '"swaggerDoc"'.length);
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) {
      const json = text.slice(start, i + 1);
      try {
        JSON.parse(json);
      } catch {
        return null;
      }
      return looksLikeSpec(json) ? json : null;
    }
  }
  return null;
}
