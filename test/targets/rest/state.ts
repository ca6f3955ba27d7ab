import { createHash } from 'node:crypto';
import type { TargetUser } from '../types.js';

/**
 * The target's in-memory records (users, credentials, orders, invoices), seeded the same way on
 * both variants. Products live in SQLite (products-db.ts) so that SQL injection is real.
 */

/** A stored user, kept as a loose document: the vulnerable PATCH merges arbitrary fields into it. */
export interface UserDoc {
  id: number;
  username: string;
  name: string;
  email: string;
  role: string;
  passwordHash: string;
  apiKey: string;
  resetToken: string;
  createdAt: string;
  [extra: string]: unknown;
}

/** The credentials collection the login matches against. */
export interface CredentialDoc {
  username: string;
  password: string;
  [extra: string]: unknown;
}

export interface OrderItem {
  productId: number;
  quantity: number;
}

export type OrderStatus = 'pending' | 'paid' | 'shipped' | 'cancelled';

export interface Order {
  id: number;
  ownerId: number;
  status: OrderStatus;
  items: OrderItem[];
  shippingAddress: string;
  total: number;
  createdAt: string;
}

export interface Invoice {
  id: number;
  orderId: number;
  ownerId: number;
  amount: number;
  currency: 'EUR';
  status: 'open' | 'paid';
  issuedAt: string;
}

export interface RestState {
  users: Map<number, UserDoc>;
  credentials: CredentialDoc[];
  orders: Map<number, Order>;
  invoices: Invoice[];
  nextOrderId: number;
}

/** Users a scanner may log in as (carol and dave exist too, with passwords nobody is told). */
export const REST_USERS: readonly TargetUser[] = [
  { name: 'alice', username: 'alice', password: 'Alice#orchid-2291', role: 'user' },
  { name: 'bob', username: 'bob', password: 'Bob#granite-7734', role: 'user' },
  { name: 'admin', username: 'admin', password: 'Admin#harbor-5186', role: 'admin' },
];

const OTHER_USERS = [
  { username: 'carol', password: 'Carol#meadow-4410', role: 'user' },
  { username: 'dave', password: 'Dave#copper-9023', role: 'user' },
] as const;

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A deterministic bcrypt-shaped string ($2b$10$ + 53 characters); only its shape matters. */
export function bcryptLooking(password: string, username: string): string {
  const bytes = createHash('sha512').update(`${username}:${password}`).digest();
  let out = '$2b$10$';
  for (let i = 0; i < 53; i++) out += BCRYPT_ALPHABET[bytes[i] % 64];
  return out;
}

function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

const SEED_TIME = Date.UTC(2025, 0, 15, 9, 30, 0);

/** Same records on every start and both variants. */
export function seedState(productPrice: (id: number) => number): RestState {
  const users = new Map<number, UserDoc>();
  const credentials: CredentialDoc[] = [];
  const all = [...REST_USERS.map((u) => ({ username: u.username, password: u.password, role: u.role })), ...OTHER_USERS];
  all.forEach((u, i) => {
    const id = i + 1;
    users.set(id, {
      id,
      username: u.username,
      name: u.username[0].toUpperCase() + u.username.slice(1) + (u.role === 'admin' ? ' Operator' : ' Example'),
      email: `${u.username}@shop.example.com`,
      role: u.role,
      passwordHash: bcryptLooking(u.password, u.username),
      apiKey: `sk_live_${hex(`api:${u.username}`, 32)}`,
      resetToken: hex(`reset:${u.username}`, 40),
      createdAt: new Date(SEED_TIME + id * 86_400_000).toISOString(),
    });
    credentials.push({ username: u.username, password: u.password });
  });

  // Orders interleave owners (1 alice, 2 bob, 3 admin, 4 carol, 5 dave, 6 alice, ...): ids are
  // plain integers on both variants; only ownership checks differ.
  const orders = new Map<number, Order>();
  const invoices: Invoice[] = [];
  const statuses: OrderStatus[] = ['pending', 'paid', 'shipped', 'cancelled'];
  const owners = [...users.keys()];
  for (let id = 1; id <= owners.length * 4; id++) {
    const ownerId = owners[(id - 1) % owners.length];
    const items: OrderItem[] = [
      { productId: ((id * 37) % 2000) + 1, quantity: (id % 3) + 1 },
      { productId: ((id * 91) % 2000) + 1, quantity: 1 },
    ];
    const order: Order = {
      id,
      ownerId,
      status: statuses[id % statuses.length],
      items,
      shippingAddress: `${id} Example Street, 1000 Testville`,
      total: orderTotal(items, productPrice),
      createdAt: new Date(SEED_TIME + id * 3_600_000).toISOString(),
    };
    orders.set(id, order);
    if (order.status !== 'pending') {
      invoices.push({
        id: invoices.length + 1,
        orderId: id,
        ownerId,
        amount: order.total,
        currency: 'EUR',
        status: order.status === 'paid' ? 'open' : 'paid',
        issuedAt: new Date(SEED_TIME + id * 3_600_000 + 60_000).toISOString(),
      });
    }
  }
  return { users, credentials, orders, invoices, nextOrderId: orders.size + 1 };
}

export function orderTotal(items: readonly OrderItem[], productPrice: (id: number) => number): number {
  let cents = 0;
  for (const item of items) cents += Math.round(productPrice(item.productId) * 100) * item.quantity;
  return cents / 100;
}

export function findUserByUsername(state: RestState, username: string): UserDoc | undefined {
  for (const user of state.users.values()) if (user.username === username) return user;
  return undefined;
}
