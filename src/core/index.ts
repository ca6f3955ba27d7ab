/**
 * Cross-cutting pieces every domain uses: typed errors, the clock that is passed in, and the
 * structured logger.
 */
export { HerdError, fileLine, errorMessage } from './errors.js';
export { type Clock, systemClock, ManualClock } from './clock.js';
export { type Logger, createLogger, silentLogger } from './logger.js';
