/**
 * For the crash test only: commits batches in a loop, printing each batch number once its commit
 * has returned. Every batch carries 1 to 20 alerts with a decision each, two cursors and a counter.
 * Usage: `node child.mjs <db path> [n]`: without `n` it runs until killed from outside; with `n`
 * it SIGKILLs itself right after the n-th SQL statement (BEGIN and COMMIT count), so a test can
 * crash it at every point of a transaction.
 */
import { systemClock } from '../core/index.js';
import { openSqliteStore } from './open-store.js';
import { alertOn, alertsInBatch, sampleDecision } from './store-fixtures.js';

const [path, killAfter] = process.argv.slice(2);
if (path) {
  let statements = 0;
  const limit = killAfter === undefined ? 0 : Number(killAfter);
  const afterQuery = limit > 0 ? () => ++statements === limit && process.kill(process.pid, 'SIGKILL') : undefined;
  const store = await openSqliteStore(path, { clock: systemClock }, afterQuery);
  let n = (await store.readCounters()).batches ?? 0;
  for (;;) {
    const alerts = [];
    for (let i = 0; i < alertsInBatch(n); i++) {
      const ip = `10.${(n >> 8) & 255}.${n & 255}.${i}`;
      alerts.push({ alert: alertOn(ip, { uuid: `b${n}-${i}` }), decisions: [sampleDecision({ uuid: `b${n}-${i}`, value: ip })] });
    }
    await store.commit({
      alerts,
      cursors: [
        { key: 'file-a', fileId: '1:1', offset: n, fingerprint: 'aa' },
        { key: 'file-b', fileId: '1:2', offset: n, fingerprint: 'bb' },
      ],
      counters: { batches: 1 },
    });
    process.stdout.write(`${n}\n`);
    n++;
  }
}
