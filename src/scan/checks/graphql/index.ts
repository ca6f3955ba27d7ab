/**
 * The checks of GraphQL APIs: the endpoint's configuration (introspection, field suggestions,
 * batching, alias, depth, directive and size limits, mutations from cross-site requests, debug errors) and the
 * access and injection checks carried over GraphQL (BOLA, BFLA, mass assignment, excessive data
 * exposure, unauthenticated access, SQL injection) under the ids of their REST forms.
 */
import type { Check } from '../../check.js';
import { introspectionCheck } from './introspection.js';
import { fieldSuggestionsCheck } from './field-suggestions.js';
import { batchingCheck } from './batching.js';
import { aliasOverloadingCheck } from './alias-overloading.js';
import { depthLimitCheck } from './depth-limit.js';
import { directiveOverloadingCheck, fieldDuplicationCheck } from './query-limits.js';
import { getMutationCheck } from './get-mutation.js';
import { debugErrorsCheck } from './debug-errors.js';
import { graphqlBolaCheck } from './bola.js';
import { graphqlBflaCheck } from './bfla.js';
import { graphqlMassAssignmentCheck } from './mass-assignment.js';
import { graphqlExposureCheck } from './excessive-exposure.js';
import { graphqlUnauthenticatedCheck } from './unauthenticated-access.js';
import { graphqlSqlInjectionCheck } from './sql-injection.js';

export const graphqlChecks: readonly Check[] = [
  introspectionCheck,
  fieldSuggestionsCheck,
  batchingCheck,
  aliasOverloadingCheck,
  depthLimitCheck,
  directiveOverloadingCheck,
  fieldDuplicationCheck,
  getMutationCheck,
  debugErrorsCheck,
  graphqlUnauthenticatedCheck,
  graphqlExposureCheck,
  graphqlBolaCheck,
  graphqlBflaCheck,
  graphqlSqlInjectionCheck,
  // Last: it changes a user's privileges for a moment (restored at once).
  graphqlMassAssignmentCheck,
];
