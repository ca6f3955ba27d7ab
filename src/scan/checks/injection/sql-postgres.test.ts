import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailable, startPostgres, type PostgresServer } from '../../../../test/support/postgres-server.js';
import { sqlInjection } from './sql.js';
import { client, context, listen, operation, query, restApi, sample } from './test-kit.js';

/**
 * Time-based SQL injection against a real PostgreSQL server (started for this file on 127.0.0.1):
 * routes whose answers never depend on the query, so only the duration of `pg_sleep` can tell.
 * The errors are swallowed and the results are not returned, as in a logging or tracking endpoint.
 */

const unavailable = postgresUnavailable();
if (unavailable) {
  console.warn(unavailable);
  describe('injection.sql on PostgreSQL', () => {
    it.skip(unavailable, () => {});
  });
} else {
  let server: PostgresServer;
  let pool: pg.Pool;
  beforeAll(async () => {
    server = await startPostgres();
    pool = new pg.Pool({ connectionString: await server.createDatabase(), max: 4 });
    await pool.query('CREATE TABLE products (id serial PRIMARY KEY, name text NOT NULL, views int NOT NULL DEFAULT 0)');
    await pool.query("INSERT INTO products (name) SELECT 'Lamp ' || g FROM generate_series(1, 50) g");
    await pool.query('CREATE TABLE searches (term text NOT NULL)');
  });
  afterAll(async () => {
    await pool?.end();
    await server?.stop();
  });

  const app = (vulnerable: boolean): FastifyInstance => {
    const f = Fastify();
    const run = async (sql: string, bound: string, params: unknown[]): Promise<void> => {
      try {
        await (vulnerable ? pool.query(sql) : pool.query(bound, params));
      } catch {
        // swallowed: the answer is the same whatever happened
      }
    };
    // String context: the term is logged, the answer is constant.
    f.get<{ Querystring: { q?: string } }>('/api/search/log', async (req) => {
      const q = req.query.q ?? '';
      await run(`INSERT INTO searches (term) VALUES ('${q}')`, 'INSERT INTO searches (term) VALUES ($1)', [q]);
      return { logged: true };
    });
    // Numeric context: a view counter.
    f.get<{ Querystring: { id?: string } }>('/api/products/view', async (req) => {
      const id = req.query.id ?? '1';
      await run(`UPDATE products SET views = views + 1 WHERE id = ${id}`, 'UPDATE products SET views = views + 1 WHERE id = $1', [Number(id)]);
      return { counted: true };
    });
    return f;
  };

  const logOp = operation('GET', '/api/search/log', { parameters: [query('q')] });
  const viewOp = operation('GET', '/api/products/view', { parameters: [query('id', { type: 'integer' })] });

  async function scan(vulnerable: boolean) {
    const f = app(vulnerable);
    const url = await listen(f);
    try {
      const sampler = client(url);
      const samples = [await sample(sampler, url, logOp, { path: '/api/search/log?q=lamp' }), await sample(sampler, url, viewOp, { path: '/api/products/view?id=7' })];
      const c = client(url);
      const { ctx, findings } = context({ api: restApi([logOp, viewOp]), baseUrl: url, client: c, samples });
      await sqlInjection.run(ctx);
      return findings;
    } finally {
      await f.close();
    }
  }

  describe('injection.sql on PostgreSQL', () => {
    it('finds fully blind injections in a string and a numeric context by the delay of pg_sleep, confirmed twice', async () => {
      const findings = await scan(true);
      expect(findings.map((x) => [x.location, x.key])).toEqual([
        ['GET /api/search/log', 'query:q'],
        ['GET /api/products/view', 'query:id'],
      ]);
      for (const x of findings) expect(x.detail).toMatch(/PostgreSQL sleep .* twice/);
    }, 120_000);

    it('stays silent when the same routes bind their parameters', async () => {
      expect(await scan(false)).toEqual([]);
    }, 120_000);
  });
}
