import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

/**
 * The product catalogue: 2000 rows in an in-memory SQLite database, the same on both variants.
 * The vulnerable search concatenates the user's text into SQL (a real SQL injection, with
 * SQLite's own error messages); the fixed one binds it as a parameter.
 */

export const PRODUCT_COUNT = 2000;
export const PRODUCT_CATEGORIES = ['books', 'electronics', 'garden', 'kitchen', 'office', 'sports', 'tools', 'toys'] as const;

export interface Product {
  id: number;
  name: string;
  category: string;
  description: string;
  price: number;
  stock: number;
}

export interface ProductPage {
  items: Product[];
  total: number;
  limit: number;
  offset: number;
}

export interface ProductsDb {
  /** `search` is trusted to be at most a few hundred characters; limit and offset are integers. */
  search(search: string, limit: number, offset: number): ProductPage;
  /** As search, always with bound parameters (for pages that are not the SQL injection). */
  searchSafe(search: string, limit: number, offset: number): ProductPage;
  byId(id: number | bigint): Product | undefined;
  price(id: number): number;
  exists(id: number): boolean;
  close(): void;
}

const ADJECTIVES = ['Sturdy', 'Compact', 'Deluxe', 'Classic', 'Portable', 'Silent', 'Bright', 'Eco', 'Smart', 'Rustic'];
const NOUNS = ['Lamp', 'Kettle', 'Backpack', 'Notebook', 'Drill', 'Puzzle', 'Racket', 'Planter', 'Speaker', 'Mug', 'Chair', 'Cable'];

function productRow(id: number): Product {
  const adjective = ADJECTIVES[(id * 7) % ADJECTIVES.length];
  const noun = NOUNS[(id * 13) % NOUNS.length];
  return {
    id,
    name: `${adjective} ${noun} ${id}`,
    category: PRODUCT_CATEGORIES[id % PRODUCT_CATEGORIES.length],
    description: `A ${adjective.toLowerCase()} ${noun.toLowerCase()} for everyday use (model ${1000 + id}).`,
    price: Math.round(((id * 7919) % 20_000) + 199) / 100,
    stock: (id * 31) % 250,
  };
}

const COLUMNS = 'id, name, category, description, price, stock';

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function openProductsDb(vulnerable: boolean): ProductsDb {
  const db = new Database(':memory:');
  // Concatenated SQL lets a caller run any expression; keep the memory-hungry ones (the usual
  // time-based payloads allocate hundreds of MB) to a size the test machine shrugs off.
  const capped = (n: unknown): Buffer => randomBytes(Math.max(1, Math.min(typeof n === 'number' || typeof n === 'bigint' ? Number(n) : 1, 1 << 20)));
  db.function('randomblob', { deterministic: false }, capped);
  db.function('zeroblob', { deterministic: true }, (n: unknown) => Buffer.alloc(Math.max(0, Math.min(typeof n === 'number' || typeof n === 'bigint' ? Number(n) : 0, 1 << 20))));
  db.exec(`CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    price REAL NOT NULL,
    stock INTEGER NOT NULL
  )`);
  const insert = db.prepare(`INSERT INTO products (${COLUMNS}) VALUES (@id, @name, @category, @description, @price, @stock)`);
  db.transaction(() => {
    for (let id = 1; id <= PRODUCT_COUNT; id++) insert.run(productRow(id));
  })();

  const byIdStmt = db.prepare<[number | bigint], Product>(`SELECT ${COLUMNS} FROM products WHERE id = ?`);
  const priceStmt = db.prepare<[number], { price: number }>('SELECT price FROM products WHERE id = ?');
  const pageStmt = db.prepare<[string, number, number], Product>(
    `SELECT ${COLUMNS} FROM products WHERE name LIKE '%' || ? || '%' ESCAPE '\\' ORDER BY id LIMIT ? OFFSET ?`,
  );
  const countStmt = db.prepare<[string], { total: number }>(`SELECT COUNT(*) AS total FROM products WHERE name LIKE '%' || ? || '%' ESCAPE '\\'`);

  function searchVulnerable(search: string, limit: number, offset: number): ProductPage {
    // The flaw on purpose: user text inside the SQL string.
    const where = `WHERE name LIKE '%${search}%'`;
    const items = db.prepare(`SELECT ${COLUMNS} FROM products ${where} ORDER BY id LIMIT ${limit} OFFSET ${offset}`).all() as Product[];
    // The count came later and was written with a bound parameter; the page query stays open to
    // UNION-based extraction (six columns).
    return { items, total: countStmt.get(escapeLike(search))?.total ?? 0, limit, offset };
  }

  function searchFixed(search: string, limit: number, offset: number): ProductPage {
    const pattern = escapeLike(search);
    return { items: pageStmt.all(pattern, limit, offset), total: countStmt.get(pattern)?.total ?? 0, limit, offset };
  }

  return {
    search: vulnerable ? searchVulnerable : searchFixed,
    searchSafe: searchFixed,
    byId: (id) => byIdStmt.get(id),
    price: (id) => priceStmt.get(id)?.price ?? 0,
    exists: (id) => priceStmt.get(id) !== undefined,
    close: () => db.close(),
  };
}
