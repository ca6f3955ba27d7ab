/**
 * The scanner's data, defined once: the API as the scanner sees it (operations from OpenAPI or
 * GraphQL), the HTTP exchanges it records as evidence, and the findings its checks report.
 */

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Orders severities: info 0 … critical 4. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** JSON Schema as found in the API description, `$ref`s resolved (may be cyclic: walk with care). */
export type JsonSchema = { readonly [key: string]: unknown };

export interface ApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required: boolean;
  readonly schema: JsonSchema;
  /** An example from the description, when it gives one. */
  readonly example?: unknown;
}

export interface ApiRequestBody {
  /** `application/json`, `application/x-www-form-urlencoded`, `application/xml`, `multipart/form-data`… */
  readonly contentType: string;
  readonly schema: JsonSchema;
  readonly required: boolean;
  readonly example?: unknown;
}

export interface ApiResponse {
  readonly status: string;
  readonly contentType?: string;
  readonly schema?: JsonSchema;
}

/** One operation of a REST API (`GET /users/{id}`). */
export interface ApiOperation {
  /** `operationId` when the description gives one, else `METHOD /path`. */
  readonly id: string;
  readonly method: HttpMethod;
  /** The path template, relative to the API's base path (`/users/{id}`). */
  readonly path: string;
  readonly summary?: string;
  readonly tags: readonly string[];
  readonly parameters: readonly ApiParameter[];
  readonly requestBody?: ApiRequestBody;
  readonly responses: readonly ApiResponse[];
  /**
   * Whether the description says the operation needs credentials (its own `security`, else the
   * global one; `security: []` makes it public).
   */
  readonly requiresAuth: boolean;
  readonly deprecated: boolean;
}

/** A REST API read from OpenAPI 3.0/3.1 or Swagger 2.0. */
export interface RestApi {
  readonly kind: 'rest';
  readonly title: string;
  readonly version: string;
  /** `openapi 3.0.3`, `swagger 2.0`… */
  readonly specVersion: string;
  /** Where the description came from (file path or URL). */
  readonly source: string;
  /** The servers' URLs the description lists (may be relative, like `/api`). */
  readonly servers: readonly string[];
  readonly operations: readonly ApiOperation[];
}

/** A GraphQL API: its endpoint and schema (from introspection or an SDL file). */
export interface GraphqlApi {
  readonly kind: 'graphql';
  readonly title: string;
  /** Where the schema came from: `introspection`, or the SDL file's path. */
  readonly source: string;
  /** The endpoint's path on the base URL (`/graphql`). */
  readonly endpoint: string;
  /** The schema in SDL (graphql-js `printSchema`). */
  readonly sdl: string;
  /**
   * The queries and mutations as operations (`Query.order`, `Mutation.updateOrder`), method POST on
   * the endpoint, so that checks and reports name them the way they name REST operations.
   */
  readonly operations: readonly ApiOperation[];
}

export type ScanApi = RestApi | GraphqlApi;

/** A request as checks build it: `url` is absolute (the client refuses other origins). */
export interface ScanRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface ScanResponse {
  readonly status: number;
  /** Lower-case header names; repeated headers joined with `, ` (set-cookie with `\n`). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text, cut at the client's size limit (`truncated` then true). */
  readonly body: string;
  readonly truncated: boolean;
  /** Time to the end of the body (or to the cut), in milliseconds. */
  readonly timeMs: number;
}

/** One request and what came back (`response` null when the request failed: `error` says why). */
export interface Exchange {
  readonly request: ScanRequest;
  readonly response: ScanResponse | null;
  readonly error?: string;
}

/** The OWASP API Security Top 10 (2023) categories. */
export type OwaspApi2023 =
  | 'API1:2023'
  | 'API2:2023'
  | 'API3:2023'
  | 'API4:2023'
  | 'API5:2023'
  | 'API6:2023'
  | 'API7:2023'
  | 'API8:2023'
  | 'API9:2023'
  | 'API10:2023';

export interface Remediation {
  /** The fix in a few sentences, framework-neutral. */
  readonly summary: string;
  /** Code for common stacks, keyed by stack name (`Express`, `Fastify`, `Django/DRF`, `Spring`…). */
  readonly snippets: Readonly<Record<string, string>>;
  readonly references: readonly string[];
}

/** What a check is, independent of any run: its identity, mapping and fix. */
export interface CheckInfo {
  /** Stable id, `authz.bola`, `injection.sql`, `graphql.introspection`… */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** `CWE-639`. */
  readonly cwe: string;
  readonly owasp: OwaspApi2023;
  /** One paragraph: what the flaw is and why it matters. */
  readonly description: string;
  readonly remediation: Remediation;
}

export interface Finding {
  readonly checkId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly cwe: string;
  readonly owasp: OwaspApi2023;
  /** Where: `GET /api/orders/{id}`, a GraphQL field `Query.order`, or a path on the server. */
  readonly location: string;
  /** What was seen on this API, in a sentence or two (the check's description explains the flaw). */
  readonly detail: string;
  /** The requests and responses that show it, secrets redacted. */
  readonly evidence: readonly Exchange[];
  /**
   * Stable across runs for the same flaw at the same place (check id + location + what varies, such
   * as the parameter), so that baselines and `--diff` can match findings.
   */
  readonly fingerprint: string;
}

export interface ScanStats {
  readonly operations: number;
  readonly requests: number;
  readonly durationMs: number;
  /** Requests the client refused to send (other origin, budget exhausted, `--safe`). */
  readonly refused: number;
  readonly errors: number;
}

export interface ScanResult {
  /** herd's version. */
  readonly tool: { readonly name: 'herd'; readonly version: string };
  readonly target: { readonly baseUrl: string; readonly api: string; readonly kind: 'rest' | 'graphql' };
  readonly startedAt: string;
  readonly checks: readonly CheckInfo[];
  readonly findings: readonly Finding[];
  readonly stats: ScanStats;
}
