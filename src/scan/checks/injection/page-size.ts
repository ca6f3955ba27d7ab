/**
 * resource.unbounded-page-size — a page-size input (limit, size, per_page, page_size, count, top,
 * first, max, take…) set to 100000. A 4xx, or a page no larger than the documented maximum, is the
 * correct answer. A finding needs a 2xx with more items than the documented `maximum`, or — when
 * the description documents none — more than 500 items and ten times the default page (the
 * sample's page), so that a silently capped page (100, 200, 250…) is not taken for an unbounded one.
 * Read-only operations only (GET, GraphQL queries).
 */
import type { Check, CheckContext } from '../../check.js';
import type { Exchange } from '../../model.js';
import { itemCount } from './compare.js';
import type { InjectionPoint } from './inputs.js';
import { describeInput, forEachInput, isSafeMethod, keyOf, Reporter, type Target } from './probe.js';

const HUGE = 100_000;
const UNDOCUMENTED_FLOOR = 500;
const DEFAULT_FACTOR = 10;

const PAGE_NAMES = new Set([
  'limit', 'size', 'pagesize', 'perpage', 'count', 'top', 'first', 'last', 'max', 'maxresults', 'maxitems', 'maxrecords', 'take',
  'rows', 'pagelimit', 'itemsperpage', 'resultsperpage', 'fetchsize', 'batchsize', 'numresults', 'pagelength', 'length', 'num',
]);

export function isPageSizeName(name: string): boolean {
  return PAGE_NAMES.has(name.toLowerCase().replace(/[^a-z]/g, ''));
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The first key of the items of the longest array (to count items in a cut body). */
function itemKey(value: unknown): string | null {
  let best: unknown[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 8) return;
    if (Array.isArray(v)) {
      if (v.length > best.length) best = v;
      for (const x of v.slice(0, 20)) walk(x, depth + 1);
    } else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) walk(x, depth + 1);
  };
  walk(value, 0);
  const first: unknown = best[0];
  if (typeof first !== 'object' || first === null || Array.isArray(first)) return null;
  return Object.keys(first)[0] ?? null;
}

/** Items in an answer; when the body was cut at the client's limit, a lower bound from the item key. */
function countItems(e: Exchange, reference: unknown): number {
  const r = e.response;
  if (r === null) return 0;
  const json = parse(r.body);
  if (json !== undefined) return itemCount(json);
  if (!r.truncated) return 0;
  const key = itemKey(reference);
  return key === null ? 0 : r.body.split(`${JSON.stringify(key)}:`).length - 1;
}

async function probeInput(target: Target, point: InjectionPoint, send: (e: Exchange['request']) => Promise<Exchange>): Promise<{ detail: string; evidence: Exchange[] } | null> {
  const sampleResponse = target.sample.exchange.response;
  if (sampleResponse === null) return null;
  const sampleJson = target.sample.json ?? parse(sampleResponse.body);
  const defaultPage = itemCount(sampleJson);
  const maximum = typeof point.schema?.maximum === 'number' ? point.schema.maximum : undefined;
  const e = await send(point.set(String(HUGE)));
  const r = e.response;
  if (r === null || r.status < 200 || r.status >= 300) return null;
  const items = countItems(e, sampleJson);
  const limit = maximum ?? Math.max(UNDOCUMENTED_FLOOR, DEFAULT_FACTOR * defaultPage);
  if (items <= limit) return null;
  const atLeast = r.truncated ? 'at least ' : '';
  const why =
    maximum !== undefined
      ? `the description documents a maximum of ${maximum}`
      : `the sample's page had ${defaultPage} and the description documents no maximum`;
  return {
    detail: `${point.name}=${HUGE} in the ${describeInput(point)} was answered HTTP ${r.status} with ${atLeast}${items} items (${why}): one request can make the API read and send as much as it holds.`,
    evidence: [target.sample.exchange, e],
  };
}

export const unboundedPageSize: Check = {
  id: 'resource.unbounded-page-size',
  title: 'Unbounded page size',
  severity: 'medium',
  cwe: 'CWE-770',
  owasp: 'API4:2023',
  appliesTo: 'any',
  description:
    'A pagination input (limit, size, per_page…) is used as given, so one request for a page of 100000 items makes the API load, serialize and send its whole collection. Repeated, it exhausts database, memory, CPU and bandwidth, and it turns any listing into a one-request data export (OWASP API4:2023 Unrestricted Resource Consumption).',
  remediation: {
    summary:
      'Give every list operation a default and a maximum page size, enforce the maximum on the server (reject larger values with 400, or clamp them), and document it as `maximum` in the API description. Prefer cursor pagination for large collections, and apply rate limits per client.',
    snippets: {
      Express: `app.get('/api/products', async (req, res) => {
  const limit = req.query.limit === undefined ? 20 : Number(req.query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return res.status(400).json({ error: 'limit must be 1-100' });
  res.json(await products.list({ limit, offset: Number(req.query.offset ?? 0) }));
});`,
      Fastify: `app.get('/api/products', {
  schema: { querystring: { type: 'object', properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    offset: { type: 'integer', minimum: 0, default: 0 },
  } } },
}, async (req) => products.list(req.query)); // 400 above 100, before the handler`,
      NestJS: `export class PageQuery {
  @Type(() => Number) @IsInt() @Min(1) @Max(100) limit = 20;
  @Type(() => Number) @IsInt() @Min(0) offset = 0;
}
@Get('products') list(@Query() page: PageQuery) { return this.products.list(page); }`,
      'Django/DRF': `class ProductPagination(LimitOffsetPagination):
    default_limit = 20
    max_limit = 100  # larger values are clamped

class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = ProductPagination`,
      Spring: `// application.properties: caps every Pageable
spring.data.web.pageable.max-page-size=100
spring.data.web.pageable.default-page-size=20`,
      Rails: `# kaminari: Product.page(params[:page]).per(params[:per_page]) never exceeds max_per_page
class Product < ApplicationRecord
  paginates_per 20
  max_paginates_per 100
end`,
      'Go net/http': `limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
if err != nil || limit <= 0 {
    limit = 20
}
if limit > 100 {
    http.Error(w, "limit must be at most 100", http.StatusBadRequest)
    return
}`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/',
      'https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html',
      'https://cwe.mitre.org/data/definitions/770.html',
    ],
  },
  async run(ctx: CheckContext): Promise<void> {
    const reporter = new Reporter(ctx);
    await forEachInput(
      ctx,
      (p, t) => isPageSizeName(p.leaf) && (isSafeMethod(t.operation.method) || t.operation.id.startsWith('Query.')) && (p.kind === 'query' || p.kind === 'graphql' || p.kind === 'json'),
      async (target, point, prober) => {
        const hit = await probeInput(target, point, (r) => prober.send(r));
        if (hit !== null) reporter.report({ location: target.location, key: keyOf(point), detail: hit.detail, evidence: hit.evidence });
      },
    );
  },
};
