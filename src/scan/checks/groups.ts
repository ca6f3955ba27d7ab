/**
 * The check groups, each written in its own folder, in the order they run: the ones that only read
 * first, those that change data (authorization writes, injections into write operations) last, so
 * that what one check changes cannot hide what another would see.
 */
import type { Check } from '../check.js';
import { accessChecks } from './access/index.js';
import { configChecks } from './config/index.js';
import { graphqlChecks } from './graphql/index.js';
import { injectionChecks } from './injection/index.js';

export const checkGroups: readonly (readonly Check[])[] = [configChecks, graphqlChecks, accessChecks, injectionChecks];
