/**
 * What a check is given and what it gives back. A check is a small module: its CheckInfo (id,
 * title, severity, CWE/OWASP mapping, description, remediation) and `run`, which sends requests
 * through the context's client and reports findings. Checks never open sockets themselves: the
 * client enforces the origin, the request budget, the rate and `--safe`.
 */
import type { ApiOperation, CheckInfo, Exchange, ScanApi, ScanRequest, Severity } from './model.js';

/** A user the scan acts as (from the scan configuration); `null` in a Sample means no credentials. */
export interface ScanUser {
  readonly name: string;
  /** `admin` users are the reference for function-level authorization (BFLA). */
  readonly role: 'user' | 'admin';
}

/** A request to one operation that the API answered with 2xx during exploration. */
export interface Sample {
  readonly operation: ApiOperation;
  /** Who sent it (`null`: no credentials). */
  readonly user: string | null;
  /** The request as sent, without credentials (the client adds them per user). */
  readonly request: ScanRequest;
  readonly exchange: Exchange;
  /** Values used for the path parameters (`{id: "12"}`). */
  readonly pathValues: Readonly<Record<string, string>>;
  /** The JSON body of the response, when it parsed. */
  readonly json: unknown;
}

/** An object a user created or was shown during exploration (used for BOLA across users). */
export interface KnownResource {
  readonly owner: string;
  /** The collection path template it belongs to (`/api/orders`). */
  readonly collection: string;
  readonly id: string;
  /** The item path template that reads it (`/api/orders/{id}`), when the API has one. */
  readonly itemPath?: string;
  /** Its fields, as the owner saw them. */
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface SendOptions {
  /** Send as this user (credentials added by the client); `null` or absent: no credentials. */
  readonly as?: string | null;
  /** Give up after this many ms (default: the client's timeout). */
  readonly timeoutMs?: number;
}

export interface ScanClient {
  /** Sends one request; never throws for network or HTTP errors (see Exchange.error). */
  send(request: ScanRequest, options?: SendOptions): Promise<Exchange>;
  /** Whether the budget still allows `n` more requests. */
  canSend(n?: number): boolean;
  /** The credentials of a user as headers (for checks that forge or strip tokens). */
  credentialsOf(user: string): Readonly<Record<string, string>>;
  /** The raw token of a user when its credentials are a bearer token (JWT checks). */
  tokenOf(user: string): string | undefined;
}

/** A server on 127.0.0.1 that records hits: the out-of-band channel for SSRF. */
export interface Canary {
  /** A fresh URL whose hits `wasHit` reports. */
  url(label: string): string;
  /** Whether a URL from `url()` has been requested (waits up to `waitMs` for it). */
  wasHit(url: string, waitMs?: number): Promise<boolean>;
}

export interface FindingInput {
  /** Where: `GET /api/orders/{id}`, a GraphQL field, or a server path. */
  readonly location: string;
  readonly detail: string;
  readonly evidence: readonly Exchange[];
  /** What varies within the check and location (the parameter name…), for the fingerprint. */
  readonly key?: string;
  /** Overrides the check's severity for this finding. */
  readonly severity?: Severity;
}

export interface CheckContext {
  readonly api: ScanApi;
  /** The base URL every request goes to (its origin is the only one allowed). */
  readonly baseUrl: URL;
  readonly client: ScanClient;
  readonly users: readonly ScanUser[];
  /** Successful requests per operation id (all users, and without credentials). */
  readonly samples: ReadonlyMap<string, readonly Sample[]>;
  readonly resources: readonly KnownResource[];
  /** True with `--safe`: no request with a mutating method (the client also refuses them). */
  readonly safe: boolean;
  readonly canary: Canary;
  /** Reports a finding of the running check. */
  report(finding: FindingInput): void;
  /** Structured progress/debug messages. */
  log(msg: string, fields?: Record<string, unknown>): void;
}

export interface Check extends CheckInfo {
  /** `rest` checks run on REST APIs, `graphql` ones on GraphQL APIs, `any` on both. */
  readonly appliesTo: 'rest' | 'graphql' | 'any';
  run(ctx: CheckContext): Promise<void>;
}
