/**
 * The shop's data in an in-memory SQLite database (so that SQL injection is real): three users,
 * six orders, 500 products. The data is the same on every start and in both variants; only the
 * product search has two versions (string-built SQL and parameterised SQL).
 */
import { createHash, scryptSync, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';
import type { TargetUser } from '../types.js';

export interface UserRow {
  readonly id: number;
  readonly username: string;
  readonly name: string;
  readonly email: string;
  readonly role: 'user' | 'admin';
  readonly passwordHash: string;
  readonly apiKey: string;
}

export interface OrderRow {
  readonly id: number;
  readonly ownerId: number;
  readonly productId: number;
  readonly quantity: number;
  readonly total: number;
  readonly status: string;
  readonly shippingAddress: string | null;
  readonly createdAt: string;
}

export interface ProductRow {
  readonly id: number;
  readonly name: string;
  readonly category: string;
  readonly price: number;
  readonly description: string | null;
}

export const TARGET_USERS: readonly TargetUser[] = [
  { name: 'alice', username: 'alice', password: 'alice-Secret-1', role: 'user' },
  { name: 'bob', username: 'bob', password: 'bob-Secret-2', role: 'user' },
  { name: 'admin', username: 'admin', password: 'admin-Secret-3', role: 'admin' },
];

const SCRYPT_COST = 1024; // low on purpose: a test target, logins must be fast

function hashPassword(username: string, password: string): string {
  const salt = createHash('sha256').update(`salt:${username}`).digest('hex').slice(0, 16);
  const hash = scryptSync(password, salt, 32, { N: SCRYPT_COST }).toString('hex');
  return `scrypt$${SCRYPT_COST}$${salt}$${hash}`;
}

function passwordMatches(stored: string, password: string): boolean {
  const [scheme, cost, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || cost === undefined || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'hex');
  const actual = scryptSync(password, salt, expected.length, { N: Number(cost) });
  return timingSafeEqual(expected, actual);
}

const ADJECTIVES = ['Red', 'Blue', 'Green', 'Silent', 'Rapid', 'Solid', 'Tiny', 'Grand', 'Smart', 'Classic'];
const NOUNS = ['Widget', 'Gadget', 'Lamp', 'Chair', 'Kettle', 'Backpack', 'Router', 'Notebook', 'Speaker', 'Clock'];
const CATEGORIES = ['home', 'office', 'outdoor', 'electronics', 'kitchen'];

/** The catalogue: 500 products, `Red Widget 1` … `Classic Clock 5`, deterministic prices. */
function seedProducts(): ProductRow[] {
  const rows: ProductRow[] = [];
  for (let i = 0; i < 500; i++) {
    const adjective = ADJECTIVES[i % ADJECTIVES.length];
    const noun = NOUNS[Math.floor(i / ADJECTIVES.length) % NOUNS.length];
    const series = Math.floor(i / (ADJECTIVES.length * NOUNS.length)) + 1;
    rows.push({
      id: i + 1,
      name: `${adjective} ${noun} ${series}`,
      category: CATEGORIES[i % CATEGORIES.length] ?? 'home',
      price: Math.round((5 + ((i * 37) % 200) + (i % 7) * 0.25) * 100) / 100,
      description: i % 3 === 0 ? null : `A ${String(adjective).toLowerCase()} ${String(noun).toLowerCase()}.`,
    });
  }
  return rows;
}

export interface ProfileChanges {
  readonly name?: string;
  readonly email?: string;
  readonly role?: 'user' | 'admin';
}

export class ShopStore {
  private readonly db: Database.Database;

  constructor() {
    this.db = new Database(':memory:');
    this.db.exec(`
      CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT UNIQUE NOT NULL, name TEXT NOT NULL,
        email TEXT NOT NULL, role TEXT NOT NULL, passwordHash TEXT NOT NULL, apiKey TEXT NOT NULL);
      CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL,
        price REAL NOT NULL, description TEXT);
      CREATE TABLE orders (id INTEGER PRIMARY KEY, ownerId INTEGER NOT NULL, productId INTEGER NOT NULL,
        quantity INTEGER NOT NULL, total REAL NOT NULL, status TEXT NOT NULL, shippingAddress TEXT,
        createdAt TEXT NOT NULL);
    `);
    const insertUser = this.db.prepare(
      'INSERT INTO users (username, name, email, role, passwordHash, apiKey) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const insertProduct = this.db.prepare(
      'INSERT INTO products (id, name, category, price, description) VALUES (?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const u of TARGET_USERS) {
        const apiKey = `ak_live_${createHash('sha256').update(`api:${u.username}`).digest('hex').slice(0, 32)}`;
        const name = u.username.charAt(0).toUpperCase() + u.username.slice(1);
        insertUser.run(u.username, name, `${u.username}@shop.example`, u.role, hashPassword(u.username, u.password), apiKey);
      }
      for (const p of seedProducts()) insertProduct.run(p.id, p.name, p.category, p.price, p.description);
    })();
    // alice (1) has orders 1-3, bob (2) orders 4-5, admin (3) order 6.
    const seedOrders: Array<[number, number, number, string]> = [
      [1, 12, 2, '1 Rue des Lilas, Paris'],
      [1, 40, 1, '1 Rue des Lilas, Paris'],
      [1, 333, 5, '1 Rue des Lilas, Paris'],
      [2, 7, 1, '22 Baker Street, London'],
      [2, 250, 3, '22 Baker Street, London'],
      [3, 1, 1, 'Head office'],
    ];
    seedOrders.forEach(([ownerId, productId, quantity, address], i) => {
      const created = new Date(Date.UTC(2026, 0, 10 + i, 9, 30)).toISOString();
      this.insertOrder(ownerId, productId, quantity, address, i % 2 === 0 ? 'shipped' : 'pending', created);
    });
  }

  close(): void {
    this.db.close();
  }

  userById(id: number): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
  }

  /** The user when the password is right, else undefined. */
  authenticate(username: string, password: string): UserRow | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    if (row === undefined) {
      hashPassword(username, password); // same work either way: no user enumeration by timing
      return undefined;
    }
    return passwordMatches(row.passwordHash, password) ? row : undefined;
  }

  allUsers(): UserRow[] {
    return this.db.prepare('SELECT * FROM users ORDER BY id').all() as UserRow[];
  }

  updateUser(id: number, changes: ProfileChanges): UserRow | undefined {
    const current = this.userById(id);
    if (current === undefined) return undefined;
    this.db
      .prepare('UPDATE users SET name = ?, email = ?, role = ? WHERE id = ?')
      .run(changes.name ?? current.name, changes.email ?? current.email, changes.role ?? current.role, id);
    return this.userById(id);
  }

  /** Deletes the user and their orders; false when there was no such user. */
  deleteUser(id: number): boolean {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM orders WHERE ownerId = ?').run(id);
      return this.db.prepare('DELETE FROM users WHERE id = ?').run(id).changes > 0;
    })();
  }

  orderById(id: number): OrderRow | undefined {
    return this.db.prepare('SELECT * FROM orders WHERE id = ?').get(id) as OrderRow | undefined;
  }

  ordersOf(ownerId: number): OrderRow[] {
    return this.db.prepare('SELECT * FROM orders WHERE ownerId = ? ORDER BY id').all(ownerId) as OrderRow[];
  }

  allOrders(): OrderRow[] {
    return this.db.prepare('SELECT * FROM orders ORDER BY id').all() as OrderRow[];
  }

  insertOrder(
    ownerId: number,
    productId: number,
    quantity: number,
    shippingAddress: string | null,
    status = 'pending',
    createdAt = new Date().toISOString(),
  ): OrderRow | undefined {
    const product = this.productById(productId);
    if (product === undefined) return undefined;
    const total = Math.round(product.price * quantity * 100) / 100;
    const result = this.db
      .prepare(
        'INSERT INTO orders (ownerId, productId, quantity, total, status, shippingAddress, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(ownerId, productId, quantity, total, status, shippingAddress, createdAt);
    return this.orderById(Number(result.lastInsertRowid));
  }

  updateOrder(id: number, quantity: number | undefined, shippingAddress: string | undefined): OrderRow | undefined {
    const current = this.orderById(id);
    if (current === undefined) return undefined;
    const product = this.productById(current.productId);
    const q = quantity ?? current.quantity;
    const total = product === undefined ? current.total : Math.round(product.price * q * 100) / 100;
    this.db
      .prepare('UPDATE orders SET quantity = ?, total = ?, shippingAddress = ? WHERE id = ?')
      .run(q, total, shippingAddress ?? current.shippingAddress, id);
    return this.orderById(id);
  }

  productById(id: number): ProductRow | undefined {
    return this.db.prepare('SELECT * FROM products WHERE id = ?').get(id) as ProductRow | undefined;
  }

  /**
   * VULNERABLE (injection.sql): `search` is pasted into the SQL text, and SQLite's errors reach the
   * caller: `'` is a syntax error, `' OR '1'='1` matches every row. `limit` and `offset` are
   * integers (GraphQL checked them) on their own line, so a `--` comment in `search` leaves them.
   */
  searchProductsUnsafe(search: string | null, limit: number, offset: number): ProductRow[] {
    const where = search === null ? '' : `WHERE name LIKE '%${search}%'`;
    const sql = `SELECT id, name, category, price, description FROM products ${where}\nORDER BY id LIMIT ${limit} OFFSET ${offset}`;
    return this.db.prepare(sql).all() as ProductRow[];
  }

  /** The same search with bound parameters (`%` and `_` in `search` stay wildcards, as above). */
  searchProducts(search: string | null, limit: number, offset: number): ProductRow[] {
    const where = search === null ? '' : 'WHERE name LIKE ?';
    const params = search === null ? [limit, offset] : [`%${search}%`, limit, offset];
    return this.db
      .prepare(`SELECT id, name, category, price, description FROM products ${where} ORDER BY id LIMIT ? OFFSET ?`)
      .all(...params) as ProductRow[];
  }
}
