/**
 * Access-control and authentication checks: who may call what and see which data. Broken object
 * and function level authorization, mass assignment, excessive data exposure, operations that
 * answer without credentials, JWT weaknesses (alg none, unchecked signatures, weak secrets,
 * unchecked expiry) and logins without a rate limit.
 *
 * Order matters a little: the checks that change data (mass assignment may briefly make a user an
 * administrator and puts it back; BFLA may delete an object that belongs to no scan user; the login
 * brake may lock a made-up username) come last.
 */
import type { Check } from '../../check.js';
import { bflaCheck } from './bfla.js';
import { bolaCheck } from './bola.js';
import { excessiveExposureCheck } from './excessive-exposure.js';
import { jwtAlgConfusionCheck, jwtExpiryCheck, jwtKeyUrlCheck, jwtNoneCheck, jwtSignatureCheck, jwtWeakSecretCheck } from './jwt.js';
import { loginRateLimitCheck } from './login-rate-limit.js';
import { massAssignmentCheck } from './mass-assignment.js';
import { unauthenticatedAccessCheck } from './unauthenticated-access.js';

export const accessChecks: readonly Check[] = [
  excessiveExposureCheck,
  unauthenticatedAccessCheck,
  jwtWeakSecretCheck,
  jwtNoneCheck,
  jwtSignatureCheck,
  jwtExpiryCheck,
  jwtAlgConfusionCheck,
  jwtKeyUrlCheck,
  bolaCheck,
  massAssignmentCheck,
  bflaCheck,
  loginRateLimitCheck,
];
