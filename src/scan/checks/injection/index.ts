/**
 * Injection and resource checks. Each takes the inputs of an operation's successful sample (query,
 * path, JSON and form fields, GraphQL arguments; not headers), rewrites one input at a time so the
 * request stays otherwise valid, and compares the answer with the baseline: SQL, NoSQL operator and
 * OS command injection, path traversal, SSRF (through the scanner's canary), reflected XSS, and
 * page sizes without a maximum. XXE works on whole bodies instead: XML ones, and JSON or form ones
 * the API also takes as XML. Mutating operations are skipped with `--safe`, DELETE always.
 */
import type { Check } from '../../check.js';
import { commandInjection } from './command.js';
import { nosqlInjection } from './nosql.js';
import { unboundedPageSize } from './page-size.js';
import { pathTraversal } from './path-traversal.js';
import { sqlInjection } from './sql.js';
import { ssrf } from './ssrf.js';
import { reflectedXss } from './xss.js';
import { xxe } from './xxe.js';

export const injectionChecks: readonly Check[] = [sqlInjection, nosqlInjection, commandInjection, pathTraversal, ssrf, xxe, reflectedXss, unboundedPageSize];

export { commandInjection, nosqlInjection, pathTraversal, reflectedXss, sqlInjection, ssrf, unboundedPageSize, xxe };
