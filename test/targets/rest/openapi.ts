/**
 * The OpenAPI 3.0 description of the shop API, served at /openapi.json. It is the same document on
 * both variants and describes the intended API: it says nothing about the flaws.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const ref = (name: string): Obj => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: Obj, example?: Json): Obj => ({ 'application/json': example === undefined ? { schema } : { schema, example } });
const problem = (description: string): Obj => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });

const ERRORS = {
  badRequest: problem('The request is malformed (see detail)'),
  unauthorized: problem('No valid bearer token'),
  forbidden: problem('The caller lacks the role this needs'),
  notFound: problem('No such resource for this caller'),
};

const idParam = (description: string): Obj => ({
  name: 'id',
  in: 'path',
  required: true,
  description,
  schema: { type: 'integer', format: 'int64', minimum: 1, example: 1 },
});

const PUBLIC: Json[] = [];

const schemas: Obj = {
  Problem: {
    type: 'object',
    description: 'RFC 7807 problem details',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: { type: 'string', example: 'about:blank' },
      title: { type: 'string', example: 'Bad Request' },
      status: { type: 'integer', example: 400 },
      detail: { type: 'string', example: 'id must be a positive integer' },
    },
  },
  LoginRequest: {
    type: 'object',
    required: ['username', 'password'],
    properties: {
      username: { type: 'string', minLength: 1, maxLength: 200, example: 'alice' },
      password: { type: 'string', format: 'password', minLength: 1, maxLength: 200, example: 'correct horse battery staple' },
    },
  },
  Token: {
    type: 'object',
    required: ['token', 'tokenType', 'expiresIn'],
    properties: {
      token: { type: 'string', description: 'JWT to send as `Authorization: Bearer <token>`', example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.signature' },
      tokenType: { type: 'string', enum: ['Bearer'] },
      expiresIn: { type: 'integer', description: 'Seconds until the token expires', example: 3600 },
    },
  },
  User: {
    type: 'object',
    description: "The caller's own account",
    required: ['id', 'username', 'name', 'email', 'role'],
    properties: {
      id: { type: 'integer', format: 'int64', readOnly: true, example: 1 },
      username: { type: 'string', readOnly: true, example: 'alice' },
      name: { type: 'string', minLength: 1, maxLength: 100, example: 'Alice Example' },
      email: { type: 'string', format: 'email', maxLength: 254, example: 'alice@shop.example.com' },
      role: { type: 'string', enum: ['user', 'admin'], readOnly: true },
    },
  },
  UserUpdate: {
    type: 'object',
    description: 'Fields a user may change on their own account',
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 100, example: 'Alice Example' },
      email: { type: 'string', format: 'email', maxLength: 254, example: 'alice@shop.example.com' },
    },
  },
  PublicUser: {
    type: 'object',
    description: 'The public profile of a customer, visible to every signed-in customer',
    required: ['id', 'name', 'email'],
    properties: {
      id: { type: 'integer', format: 'int64', readOnly: true, example: 2 },
      name: { type: 'string', example: 'Bob Example' },
      email: { type: 'string', format: 'email', example: 'bob@shop.example.com' },
    },
  },
  AdminUser: {
    allOf: [ref('User'), { type: 'object', properties: { createdAt: { type: 'string', format: 'date-time', readOnly: true } } }],
  },
  AdminUserList: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('AdminUser') } } },
  OrderItem: {
    type: 'object',
    required: ['productId', 'quantity'],
    properties: {
      productId: { type: 'integer', format: 'int64', minimum: 1, example: 42 },
      quantity: { type: 'integer', minimum: 1, maximum: 100, example: 2 },
    },
  },
  OrderInput: {
    type: 'object',
    required: ['items', 'shippingAddress'],
    properties: {
      items: { type: 'array', minItems: 1, maxItems: 50, items: ref('OrderItem') },
      shippingAddress: { type: 'string', minLength: 1, maxLength: 200, example: '1 Example Street, 1000 Testville' },
    },
  },
  Order: {
    type: 'object',
    required: ['id', 'ownerId', 'status', 'items', 'shippingAddress', 'total', 'createdAt'],
    properties: {
      id: { type: 'integer', format: 'int64', readOnly: true, example: 1 },
      ownerId: { type: 'integer', format: 'int64', readOnly: true, example: 1 },
      status: { type: 'string', enum: ['pending', 'paid', 'shipped', 'cancelled'], readOnly: true },
      items: { type: 'array', items: ref('OrderItem') },
      shippingAddress: { type: 'string', example: '1 Example Street, 1000 Testville' },
      total: { type: 'number', format: 'double', readOnly: true, example: 59.9 },
      createdAt: { type: 'string', format: 'date-time', readOnly: true },
    },
  },
  OrderList: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('Order') } } },
  Invoice: {
    type: 'object',
    required: ['id', 'orderId', 'ownerId', 'amount', 'currency', 'status', 'issuedAt'],
    properties: {
      id: { type: 'integer', format: 'int64', readOnly: true, example: 1 },
      orderId: { type: 'integer', format: 'int64', readOnly: true, example: 1 },
      ownerId: { type: 'integer', format: 'int64', readOnly: true, example: 1 },
      amount: { type: 'number', format: 'double', example: 59.9 },
      currency: { type: 'string', enum: ['EUR'] },
      status: { type: 'string', enum: ['open', 'paid'] },
      issuedAt: { type: 'string', format: 'date-time' },
    },
  },
  InvoiceList: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('Invoice') } } },
  Product: {
    type: 'object',
    required: ['id', 'name', 'category', 'description', 'price', 'stock'],
    properties: {
      id: { type: 'integer', format: 'int64', readOnly: true, example: 42 },
      name: { type: 'string', example: 'Compact Kettle 42' },
      category: { type: 'string', enum: ['books', 'electronics', 'garden', 'kitchen', 'office', 'sports', 'tools', 'toys'] },
      description: { type: 'string' },
      price: { type: 'number', format: 'double', example: 19.99 },
      stock: { type: 'integer', minimum: 0, example: 12 },
    },
  },
  ProductPage: {
    type: 'object',
    required: ['items', 'total', 'limit', 'offset'],
    properties: {
      items: { type: 'array', items: ref('Product') },
      total: { type: 'integer', description: 'Products matching the search', example: 2000 },
      limit: { type: 'integer', example: 20 },
      offset: { type: 'integer', example: 0 },
    },
  },
  PingResult: {
    type: 'object',
    required: ['host', 'output'],
    properties: { host: { type: 'string', example: 'example.com' }, output: { type: 'string', example: 'PING example.com: 56 data bytes\n' } },
  },
  WebhookTest: {
    type: 'object',
    required: ['url'],
    properties: { url: { type: 'string', format: 'uri', maxLength: 2048, example: 'https://hooks.example.com/shop/orders' } },
  },
  WebhookResult: {
    type: 'object',
    required: ['url', 'status', 'body'],
    properties: {
      url: { type: 'string', format: 'uri' },
      status: { type: 'integer', description: 'HTTP status the webhook answered', example: 200 },
      body: { type: 'string', maxLength: 1024, description: 'Start of the answer (1 KiB at most)' },
    },
  },
};

function ok(description: string, schemaName: string, status = '200'): Obj {
  return { [status]: { description, content: jsonContent(ref(schemaName)) } };
}

const paths: Obj = {
  '/api/auth/login': {
    post: {
      tags: ['auth'],
      operationId: 'login',
      summary: 'Exchange a username and password for a bearer token (valid one hour)',
      security: PUBLIC,
      requestBody: { required: true, content: jsonContent(ref('LoginRequest'), { username: 'alice', password: 'correct horse battery staple' }) },
      responses: {
        ...ok('Signed in', 'Token'),
        '400': ERRORS.badRequest,
        '401': problem('Wrong username or password'),
        '429': {
          description: 'Too many failed logins for this username; retry later',
          headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
          content: { 'application/problem+json': { schema: ref('Problem') } },
        },
      },
    },
  },
  '/api/users/me': {
    get: { tags: ['users'], operationId: 'getMe', summary: "The caller's account", responses: { ...ok('The account', 'User'), '401': ERRORS.unauthorized } },
    patch: {
      tags: ['users'],
      operationId: 'updateMe',
      summary: "Change the caller's name or email",
      requestBody: { required: true, content: jsonContent(ref('UserUpdate'), { name: 'Alice Example', email: 'alice@shop.example.com' }) },
      responses: { ...ok('The updated account', 'User'), '400': ERRORS.badRequest, '401': ERRORS.unauthorized },
    },
  },
  '/api/users/{id}': {
    get: {
      tags: ['users'],
      operationId: 'getUser',
      summary: "A customer's public profile",
      parameters: [idParam('User id')],
      responses: { ...ok('The profile', 'PublicUser'), '400': ERRORS.badRequest, '401': ERRORS.unauthorized, '404': ERRORS.notFound },
    },
  },
  '/api/admin/users': {
    get: {
      tags: ['admin'],
      operationId: 'listUsers',
      summary: 'Every account (admins only)',
      responses: { ...ok('The accounts', 'AdminUserList'), '401': ERRORS.unauthorized, '403': ERRORS.forbidden },
    },
  },
  '/api/admin/users/{id}': {
    delete: {
      tags: ['admin'],
      operationId: 'deleteUser',
      summary: 'Delete an account (admins only)',
      parameters: [idParam('User id')],
      responses: { '204': { description: 'Deleted' }, '400': ERRORS.badRequest, '401': ERRORS.unauthorized, '403': ERRORS.forbidden, '404': ERRORS.notFound },
    },
  },
  '/api/orders': {
    get: { tags: ['orders'], operationId: 'listOrders', summary: "The caller's orders", responses: { ...ok('The orders', 'OrderList'), '401': ERRORS.unauthorized } },
    post: {
      tags: ['orders'],
      operationId: 'createOrder',
      summary: 'Place an order',
      requestBody: { required: true, content: jsonContent(ref('OrderInput'), { items: [{ productId: 42, quantity: 2 }], shippingAddress: '1 Example Street, 1000 Testville' }) },
      responses: { ...ok('The new order', 'Order', '201'), '400': ERRORS.badRequest, '401': ERRORS.unauthorized },
    },
  },
  '/api/orders/{id}': {
    parameters: [idParam('Order id')],
    get: {
      tags: ['orders'],
      operationId: 'getOrder',
      summary: 'One of the caller\'s orders',
      responses: { ...ok('The order', 'Order'), '400': ERRORS.badRequest, '401': ERRORS.unauthorized, '404': ERRORS.notFound },
    },
    put: {
      tags: ['orders'],
      operationId: 'replaceOrder',
      summary: "Replace the items and address of one of the caller's orders",
      requestBody: { required: true, content: jsonContent(ref('OrderInput')) },
      responses: { ...ok('The order', 'Order'), '400': ERRORS.badRequest, '401': ERRORS.unauthorized, '404': ERRORS.notFound },
    },
    delete: {
      tags: ['orders'],
      operationId: 'deleteOrder',
      summary: "Delete one of the caller's orders",
      responses: { '204': { description: 'Deleted' }, '400': ERRORS.badRequest, '401': ERRORS.unauthorized, '404': ERRORS.notFound },
    },
  },
  '/api/invoices': {
    get: { tags: ['orders'], operationId: 'listInvoices', summary: "The caller's invoices", responses: { ...ok('The invoices', 'InvoiceList'), '401': ERRORS.unauthorized } },
  },
  '/api/products': {
    get: {
      tags: ['catalogue'],
      operationId: 'listProducts',
      summary: 'Search the catalogue, one page at a time',
      security: PUBLIC,
      parameters: [
        { name: 'search', in: 'query', description: 'Text the product name contains', schema: { type: 'string', maxLength: 200, example: 'kettle' } },
        { name: 'limit', in: 'query', description: 'Page size', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
        { name: 'offset', in: 'query', description: 'Products to skip', schema: { type: 'integer', minimum: 0, default: 0 } },
      ],
      responses: { ...ok('A page of products', 'ProductPage'), '400': ERRORS.badRequest },
    },
  },
  '/api/products/{id}': {
    get: {
      tags: ['catalogue'],
      operationId: 'getProduct',
      summary: 'One product',
      security: PUBLIC,
      parameters: [idParam('Product id')],
      responses: { ...ok('The product', 'Product'), '400': ERRORS.badRequest, '404': ERRORS.notFound },
    },
  },
  '/api/search/html': {
    get: {
      tags: ['catalogue'],
      operationId: 'searchPage',
      summary: 'The search results as an HTML page',
      security: PUBLIC,
      parameters: [{ name: 'q', in: 'query', description: 'Search text', schema: { type: 'string', maxLength: 200, example: 'kettle' } }],
      responses: { '200': { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } }, '400': ERRORS.badRequest },
    },
  },
  '/api/tools/ping': {
    get: {
      tags: ['tools'],
      operationId: 'ping',
      summary: 'Check that a host name or address is well-formed and reachable',
      parameters: [{ name: 'host', in: 'query', required: true, description: 'IP address or host name', schema: { type: 'string', maxLength: 253, example: 'example.com' } }],
      responses: { ...ok('The ping output', 'PingResult'), '400': ERRORS.badRequest, '401': ERRORS.unauthorized },
    },
  },
  '/api/files': {
    get: {
      tags: ['tools'],
      operationId: 'getDocument',
      summary: 'A shop document (terms, shipping policy, ...) by file name',
      parameters: [{ name: 'name', in: 'query', required: true, description: 'File name', schema: { type: 'string', maxLength: 255, example: 'welcome.txt' } }],
      responses: {
        '200': { description: 'The document', content: { 'text/plain': { schema: { type: 'string' } } } },
        '400': ERRORS.badRequest,
        '401': ERRORS.unauthorized,
        '404': ERRORS.notFound,
      },
    },
  },
  '/api/webhooks/test': {
    post: {
      tags: ['tools'],
      operationId: 'testWebhook',
      summary: 'Call a webhook URL once and report its answer',
      requestBody: { required: true, content: jsonContent(ref('WebhookTest')) },
      responses: {
        ...ok('What the webhook answered', 'WebhookResult'),
        '400': ERRORS.badRequest,
        '401': ERRORS.unauthorized,
        '502': problem('The webhook could not be reached'),
      },
    },
  },
};

export function openApiDocument(baseUrl: string): Obj {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Example Shop API',
      version: '2.3.0',
      description: 'Customers, orders, invoices and the product catalogue of a small web shop. Sign in with POST /api/auth/login and send the token as a bearer token.',
    },
    servers: [{ url: baseUrl }],
    tags: ['auth', 'users', 'admin', 'orders', 'catalogue', 'tools'].map((name) => ({ name })),
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas,
    },
  };
}
