/**
 * GET /openapi.json: a short OpenAPI 3 description of the routes herd serves (CrowdSec's local
 * API v1 plus health and metrics). The full request and response schemas are CrowdSec's swagger
 * (localapi_swagger.yaml), which herd follows; this document says which of its routes exist here
 * and how each is authenticated.
 */

type Auth = 'apiKey' | 'jwt' | 'either' | 'none';

interface RouteDoc {
  path: string;
  method: 'get' | 'head' | 'post' | 'delete';
  summary: string;
  auth: Auth;
  ok: string;
  params?: string[];
  body?: string;
}

const DECISION_FILTERS = ['scope', 'value', 'type', 'ip', 'range', 'contains', 'origins', 'scenarios_containing', 'scenarios_not_containing'];
const STREAM_FILTERS = ['startup', 'scopes', 'origins', 'scenarios_containing', 'scenarios_not_containing'];
const ALERT_FILTERS = ['scope', 'value', 'scenario', 'ip', 'range', 'contains', 'since', 'until', 'simulated', 'has_active_decision', 'decision_type', 'limit', 'origin'];

const ROUTES: RouteDoc[] = [
  { path: '/v1/decisions', method: 'get', summary: 'Active decisions matching the filters (null when none)', auth: 'apiKey', ok: '200', params: DECISION_FILTERS },
  { path: '/v1/decisions', method: 'head', summary: 'As GET, without a body', auth: 'apiKey', ok: '200', params: DECISION_FILTERS },
  { path: '/v1/decisions/stream', method: 'get', summary: 'New and deleted decisions since the previous pull (all active ones with startup=true)', auth: 'apiKey', ok: '200', params: STREAM_FILTERS },
  { path: '/v1/decisions/stream', method: 'head', summary: 'Checks the API key; does not count as a pull', auth: 'apiKey', ok: '200' },
  { path: '/v1/decisions', method: 'delete', summary: 'Ends the matching decisions now', auth: 'jwt', ok: '200', params: ['scope', 'value', 'type', 'ip', 'range', 'contains', 'scenario', 'origin'] },
  { path: '/v1/decisions/{decision_id}', method: 'delete', summary: 'Ends one decision now', auth: 'jwt', ok: '200' },
  { path: '/v1/watchers', method: 'post', summary: 'Registers a machine (validated at once with the registration token)', auth: 'none', ok: '201', body: 'WatcherRegistrationRequest' },
  { path: '/v1/watchers/login', method: 'post', summary: 'Logs a machine in: {code, expire, token}', auth: 'none', ok: '200', body: 'WatcherAuthRequest' },
  { path: '/v1/watchers/self', method: 'delete', summary: 'Deletes the calling machine', auth: 'jwt', ok: '204' },
  { path: '/v1/heartbeat', method: 'get', summary: "Records the machine's heartbeat", auth: 'jwt', ok: '200' },
  { path: '/v1/alerts', method: 'post', summary: 'Stores alerts (and their decisions, or those the profiles give); answers their ids', auth: 'jwt', ok: '201', body: 'AddAlertsRequest' },
  { path: '/v1/alerts', method: 'get', summary: 'Searches alerts', auth: 'jwt', ok: '200', params: ALERT_FILTERS },
  { path: '/v1/alerts', method: 'head', summary: 'As GET, without a body', auth: 'jwt', ok: '200', params: ALERT_FILTERS },
  { path: '/v1/alerts', method: 'delete', summary: 'Deletes matching alerts and their decisions (from loopback or trusted addresses only)', auth: 'jwt', ok: '200', params: ALERT_FILTERS },
  { path: '/v1/alerts/{alert_id}', method: 'get', summary: 'One alert', auth: 'jwt', ok: '200' },
  { path: '/v1/alerts/{alert_id}', method: 'head', summary: 'As GET, without a body', auth: 'jwt', ok: '200' },
  { path: '/v1/alerts/{alert_id}', method: 'delete', summary: 'Deletes one alert (from loopback or trusted addresses only)', auth: 'jwt', ok: '200' },
  { path: '/v1/usage-metrics', method: 'post', summary: 'Usage metrics of a bouncer or a machine', auth: 'either', ok: '201', body: 'AllMetrics' },
  { path: '/health', method: 'get', summary: '{"status":"up"} once decisions are loaded, 503 before', auth: 'none', ok: '200' },
  { path: '/metrics', method: 'get', summary: 'Prometheus metrics', auth: 'none', ok: '200' },
];

function security(auth: Auth): Record<string, string[]>[] | undefined {
  if (auth === 'apiKey') return [{ apiKey: [] }];
  if (auth === 'jwt') return [{ jwt: [] }];
  if (auth === 'either') return [{ apiKey: [] }, { jwt: [] }];
  return undefined;
}

/** The document, built once per server. */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const op: Record<string, unknown> = {
      summary: r.summary,
      responses: {
        [r.ok]: { description: 'success' },
        ...(r.auth !== 'none' ? { '401': { description: 'bad or missing token' }, '403': { description: 'bad or missing API key' } } : {}),
        '400': { description: 'invalid request: {"message": "..."} naming the field' },
      },
    };
    const sec = security(r.auth);
    if (sec) op.security = sec;
    const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const queryParams = (r.params ?? []).map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }));
    if (pathParams.length + queryParams.length > 0) op.parameters = [...pathParams, ...queryParams];
    if (r.body) {
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: { description: `CrowdSec local API swagger: ${r.body}` } } },
      };
    }
    (paths[r.path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.0.3',
    info: { title: 'herd local API (CrowdSec v1 compatible)', version },
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
    },
  };
}
