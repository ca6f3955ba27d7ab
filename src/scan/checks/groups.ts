/** The check groups, each written in its own folder. */
import type { Check } from '../check.js';
import { configChecks } from './config/index.js';
import { graphqlChecks } from './graphql/index.js';
import { injectionChecks } from './injection/index.js';

export const checkGroups: readonly (readonly Check[])[] = [configChecks, injectionChecks, graphqlChecks];
