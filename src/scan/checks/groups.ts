/** The check groups, each written in its own folder. */
import type { Check } from '../check.js';

export const checkGroups: readonly (readonly Check[])[] = [];
