/**
 * Configuration and inventory checks: how the API is deployed rather than what its code does —
 * TLS, CORS, security headers, verbose errors, exposed debug files and endpoints, and undocumented
 * versions or shadow copies of documented operations. They send only GET, HEAD and OPTIONS
 * requests (and, outside safe mode, malformed JSON bodies that no handler accepts).
 */
import type { Check } from '../../check.js';
import { corsCheck } from './cors.js';
import { exposedEndpointsCheck } from './exposed-endpoints.js';
import { securityHeadersCheck } from './security-headers.js';
import { undocumentedEndpointsCheck } from './undocumented-endpoints.js';
import { verboseErrorsCheck } from './verbose-errors.js';
import { tlsCheck } from './tls.js';

export const configChecks: readonly Check[] = [tlsCheck, corsCheck, securityHeadersCheck, verboseErrorsCheck, exposedEndpointsCheck, undocumentedEndpointsCheck];

export { corsCheck, exposedEndpointsCheck, securityHeadersCheck, tlsCheck, undocumentedEndpointsCheck, verboseErrorsCheck };
