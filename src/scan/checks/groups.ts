/** The check groups, each written in its own folder. */
import type { Check } from '../check.js';
import { configChecks } from './config/index.js';

export const checkGroups: readonly (readonly Check[])[] = [configChecks];
