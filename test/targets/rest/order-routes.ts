import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, currentUser, notFound, objectBody, own, pathId, requireUser, type RestContext } from './context.js';
import { orderTotal, type Order, type OrderItem, type UserDoc } from './state.js';

/**
 * Orders and invoices. Flaws on the vulnerable variant: no ownership check on /api/orders/{id}
 * (BOLA) and /api/invoices answering without a token. Order bodies take items and
 * shippingAddress only, on both variants: ownerId, status and total are the server's.
 */

const MAX_ITEMS = 50;

interface OrderInput {
  items: OrderItem[];
  shippingAddress: string;
}

function isPositiveInt(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max;
}

function orderInput(ctx: RestContext, req: FastifyRequest): OrderInput {
  const body = objectBody(req);
  const items = own(body, 'items');
  const shippingAddress = own(body, 'shippingAddress');
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ITEMS) throw badRequest(`items must be an array of 1 to ${MAX_ITEMS} entries`);
  const parsed: OrderItem[] = items.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw badRequest(`items[${i}] must be an object`);
    const productId = own(item as Record<string, unknown>, 'productId');
    const quantity = own(item as Record<string, unknown>, 'quantity');
    if (!isPositiveInt(productId, 1e9) || !ctx.products.exists(productId)) throw badRequest(`items[${i}].productId must be the id of a product`);
    if (!isPositiveInt(quantity, 100)) throw badRequest(`items[${i}].quantity must be an integer from 1 to 100`);
    return { productId, quantity };
  });
  if (typeof shippingAddress !== 'string' || shippingAddress.trim() === '' || shippingAddress.length > 200) {
    throw badRequest('shippingAddress must be a string of 1 to 200 characters');
  }
  return { items: parsed, shippingAddress };
}

export function registerOrderRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { state } = ctx;
  const price = (id: number): number => ctx.products.price(id);

  /** The order the caller may act on: on the vulnerable variant, any order at all. */
  function accessibleOrder(caller: UserDoc, rawId: string): Order {
    const order = state.orders.get(pathId(rawId, 'id'));
    if (order === undefined) throw notFound('no order with this id');
    if (!ctx.vulnerable && order.ownerId !== caller.id) throw notFound('no order with this id');
    return order;
  }

  app.get('/api/orders', async (req) => {
    const caller = await requireUser(ctx, req);
    return { items: [...state.orders.values()].filter((o) => o.ownerId === caller.id) };
  });

  app.post('/api/orders', async (req, reply) => {
    const caller = await requireUser(ctx, req);
    const input = orderInput(ctx, req);
    const order: Order = {
      id: state.nextOrderId++,
      ownerId: caller.id,
      status: 'pending',
      items: input.items,
      shippingAddress: input.shippingAddress,
      total: orderTotal(input.items, price),
      createdAt: new Date(ctx.clock.now()).toISOString(),
    };
    state.orders.set(order.id, order);
    return reply.code(201).header('location', `/api/orders/${order.id}`).send(order);
  });

  app.get<{ Params: { id: string } }>('/api/orders/:id', async (req) => {
    const caller = await requireUser(ctx, req);
    return accessibleOrder(caller, req.params.id);
  });

  app.put<{ Params: { id: string } }>('/api/orders/:id', async (req) => {
    const caller = await requireUser(ctx, req);
    const order = accessibleOrder(caller, req.params.id);
    const input = orderInput(ctx, req);
    order.items = input.items;
    order.shippingAddress = input.shippingAddress;
    order.total = orderTotal(input.items, price);
    return order;
  });

  app.delete<{ Params: { id: string } }>('/api/orders/:id', async (req, reply) => {
    const caller = await requireUser(ctx, req);
    const order = accessibleOrder(caller, req.params.id);
    state.orders.delete(order.id);
    return reply.code(204).send();
  });

  app.get('/api/invoices', async (req) => {
    if (ctx.vulnerable) {
      // The flaw: the route was left out of the auth hook; without a token nothing filters.
      const caller = await currentUser(ctx, req);
      return { items: caller === null ? state.invoices : state.invoices.filter((i) => i.ownerId === caller.id) };
    }
    const caller = await requireUser(ctx, req);
    return { items: state.invoices.filter((i) => i.ownerId === caller.id) };
  });
}
