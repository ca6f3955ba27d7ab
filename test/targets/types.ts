/**
 * Deliberately vulnerable APIs for the scanner's tests (test/targets/*), each with a fixed twin:
 * the same API and spec with every documented flaw corrected. The scanner must find every
 * documented vulnerability on the vulnerable variant and report nothing on the fixed one.
 */

export type TargetVariant = 'vulnerable' | 'fixed';

export interface TargetUser {
  /** Short name used in scan configuration (`alice`). */
  readonly name: string;
  readonly username: string;
  readonly password: string;
  readonly role: 'user' | 'admin';
}

export interface DocumentedVulnerability {
  /** Stable id, e.g. `rest-bola-orders`. */
  readonly id: string;
  /** The scanner check expected to find it (see src/scan checks), e.g. `authz.bola`. */
  readonly checkId: string;
  /** Where: `GET /api/orders/{id}` (method and path template as in the spec), or a GraphQL field. */
  readonly where: string;
  /** One or two sentences: what is wrong and how the fixed twin differs. */
  readonly description: string;
}

export interface RunningTarget {
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly variant: TargetVariant;
  readonly users: readonly TargetUser[];
  /** What the vulnerable variant gets wrong; empty for the fixed twin. */
  readonly vulnerabilities: readonly DocumentedVulnerability[];
  /** Path of the API description on the target (`/openapi.json`, `/graphql`). */
  readonly specPath: string;
  /** How a user logs in (the scanner's auth configuration is written from it). */
  readonly login: {
    readonly method: 'POST';
    readonly path: string;
    /** JSON body with `{username}` and `{password}` placeholders. */
    readonly body: Record<string, string>;
    /** Where the token is in the JSON response (`token`, `data.login.token`). */
    readonly tokenPath: string;
  };
  close(): Promise<void>;
}
