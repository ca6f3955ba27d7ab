import { HerdError } from '../../src/core/index.js';

/** The HerdError `run` throws; fails the test when it throws nothing, and rethrows any other error. */
export function herdErrorOf(run: () => unknown): HerdError {
  try {
    run();
  } catch (err) {
    if (err instanceof HerdError) return err;
    throw err;
  }
  throw new Error('expected a HerdError');
}

/** The HerdError the promise of `run` rejects with (see herdErrorOf). */
export async function herdErrorOfAsync(run: () => Promise<unknown>): Promise<HerdError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof HerdError) return err;
    throw err;
  }
  throw new Error('expected a HerdError');
}
