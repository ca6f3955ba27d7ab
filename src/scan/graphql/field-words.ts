/**
 * Words that GraphQL APIs commonly name fields, arguments, input fields and enum values with, for
 * recovering a schema from validation errors when introspection is off. graphql-js suggests names
 * within a small edit distance of a word sent (`produc` → `product`, `create_user` → `createUser`),
 * so the lists hold stems and the common shapes; suggestions find the neighbours.
 */

/** Things most APIs have; each also yields its plural, `createX`, `updateX`, `deleteX`. */
const ENTITIES: readonly string[] = [
  'user', 'account', 'profile', 'customer', 'member', 'team', 'organization', 'group', 'role', 'permission',
  'order', 'product', 'item', 'cart', 'payment', 'invoice', 'subscription', 'address', 'review', 'category',
  'post', 'paste', 'comment', 'article', 'page', 'message', 'note', 'file', 'image', 'document',
  'project', 'task', 'issue', 'event', 'ticket', 'notification', 'session', 'token', 'key', 'setting',
  'book', 'author', 'tag', 'transaction', 'report', 'job', 'device', 'location', 'company', 'employee',
];

/** Root and object field names that are not an entity with CRUD around it. */
const FIELDS: readonly string[] = [
  // roots and the viewer
  'me', 'viewer', 'currentUser', 'whoami', 'node', 'nodes', 'search', 'find', 'lookup', 'query', 'list', 'all', 'get',
  'admin', 'admins', 'system', 'systemHealth', 'systemDiagnostics', 'systemUpdate', 'systemDebug', 'diagnostics', 'debug',
  'health', 'status', 'version', 'info', 'config', 'configuration', 'settings', 'stats', 'statistics', 'metrics', 'dashboard',
  'audit', 'audits', 'auditLog', 'auditLogs', 'logs', 'log', 'history', 'activity', 'feed', 'timeline', 'inbox',
  // auth
  'login', 'logout', 'signin', 'signIn', 'signup', 'signUp', 'register', 'authenticate', 'auth', 'refresh', 'refreshToken',
  'accessToken', 'apiKey', 'apiKeys', 'secret', 'secrets', 'credentials', 'verify', 'verifyEmail', 'confirm', 'resetPassword',
  'forgotPassword', 'changePassword', 'requestPasswordReset', 'impersonate', 'sudo', 'mfa', 'otp', 'twoFactor', 'jwt',
  // actions
  'upload', 'uploadFile', 'download', 'import', 'importPaste', 'export', 'send', 'sendMessage', 'publish', 'checkout',
  'pay', 'refund', 'cancel', 'approve', 'reject', 'invite', 'join', 'leave', 'follow', 'unfollow', 'like', 'vote',
  'subscribe', 'unsubscribe', 'ban', 'unban', 'promote', 'assign', 'archive', 'restore', 'purge', 'reset', 'run', 'execute',
  'exec', 'command', 'ping', 'echo', 'fetch', 'proxy', 'webhook', 'webhooks', 'callback', 'render', 'preview', 'backup',
  'addToCart', 'placeOrder', 'createOrder', 'setRole', 'updateRole', 'grant', 'revoke',
  // scalar fields of objects
  'id', 'uuid', 'ID', 'name', 'firstName', 'lastName', 'fullName', 'displayName', 'username', 'userName', 'login',
  'email', 'emailAddress', 'phone', 'mobile', 'password', 'passwordHash', 'hash', 'salt', 'pin', 'ssn', 'dob', 'birthday',
  'title', 'content', 'body', 'text', 'description', 'summary', 'slug', 'url', 'link', 'href', 'uri', 'path', 'host',
  'port', 'scheme', 'domain', 'ip', 'ipAddr', 'ipAddress', 'userAgent', 'avatar', 'photo', 'picture', 'thumbnail',
  'type', 'kind', 'state', 'enabled', 'active', 'isActive', 'disabled', 'deleted', 'isDeleted', 'blocked', 'verified',
  'isAdmin', 'isStaff', 'isSuperuser', 'superuser', 'staff', 'public', 'private', 'isPublic', 'visibility', 'hidden',
  'burn', 'owner', 'ownerId', 'author', 'authorId', 'creator', 'createdBy', 'updatedBy', 'userId', 'accountId',
  'createdAt', 'updatedAt', 'deletedAt', 'created', 'updated', 'date', 'time', 'timestamp', 'expiresAt', 'lastLogin',
  'price', 'amount', 'total', 'subtotal', 'currency', 'quantity', 'qty', 'stock', 'sku', 'discount', 'tax', 'balance',
  'credit', 'creditCard', 'card', 'cardNumber', 'cvv', 'iban', 'rating', 'score', 'count', 'totalCount', 'size',
  'edges', 'cursor', 'pageInfo', 'hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor', 'results', 'data',
  'success', 'ok', 'error', 'errors', 'result', 'code', 'value', 'key', 'label', 'locale', 'language', 'country',
  'city', 'street', 'zip', 'postalCode', 'lat', 'lng', 'latitude', 'longitude', 'color', 'icon', 'order', 'position',
  'parent', 'children', 'friends', 'followers', 'following', 'members', 'owners', 'permissions', 'scopes', 'scope',
  'lines', 'lineItems', 'items', 'orders', 'payments', 'address', 'addresses', 'shippingAddress', 'billingAddress',
  'metadata', 'meta', 'extra', 'attributes', 'properties', 'options', 'preferences', 'notes', 'internal', 'internalNotes',
  'secretNote', 'privateNote', 'apiSecret', 'resetToken', 'sessionToken', 'refreshTokens', 'tokens', 'mfaSecret',
  'filename', 'fileName', 'mimeType', 'contentType', 'width', 'height', 'format', 'encoding', 'checksum', 'location',
  'ipAddrs', 'headers', 'cookies', 'env', 'environment', 'output', 'stdout', 'message', 'reason', 'note', 'payload',
];

/** Argument and input field names. */
export const ARG_WORDS: readonly string[] = [
  'id', 'ids', 'input', 'data', 'where', 'filter', 'filters', 'first', 'last', 'after', 'before', 'limit', 'offset',
  'skip', 'take', 'page', 'perPage', 'pageSize', 'size', 'sort', 'sortBy', 'order', 'orderBy', 'direction', 'search',
  'query', 'q', 'term', 'keyword', 'name', 'title', 'content', 'body', 'text', 'description', 'email', 'username',
  'password', 'newPassword', 'oldPassword', 'token', 'code', 'type', 'status', 'role', 'public', 'private', 'visibility',
  'userId', 'owner', 'ownerId', 'productId', 'orderId', 'postId', 'url', 'host', 'port', 'path', 'scheme', 'cmd',
  'command', 'arg', 'args', 'file', 'filename', 'key', 'value', 'uuid', 'slug', 'category', 'tags', 'price',
  'quantity', 'amount', 'date', 'from', 'to', 'start', 'end', 'since', 'until', 'locale', 'lang', 'format', 'version',
  'includeDeleted', 'enabled', 'active', 'admin', 'isAdmin', 'debug', 'mode', 'ip', 'domain', 'redirect', 'callback',
  'message', 'subject', 'comment', 'burn', 'note', 'lines', 'items', 'address', 'firstName', 'lastName', 'phone',
];

/** Enum values (graphql-js also suggests `NAME` for `name`, so the argument words help as well). */
export const ENUM_WORDS: readonly string[] = [
  'ASC', 'DESC', 'ADMIN', 'USER', 'GUEST', 'MODERATOR', 'OWNER', 'EDITOR', 'VIEWER', 'MEMBER', 'STAFF', 'SUPPORT',
  'ACTIVE', 'INACTIVE', 'PENDING', 'PUBLIC', 'PRIVATE', 'DRAFT', 'PUBLISHED', 'ARCHIVED', 'DELETED', 'OPEN', 'CLOSED',
  'NEW', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'CANCELED', 'COMPLETED', 'FAILED', 'SUCCESS', 'ERROR',
  'CREATED_AT', 'UPDATED_AT', 'NAME', 'ID', 'PRICE', 'DATE', 'TITLE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'NONE',
  'ALL', 'YES', 'NO', 'TRUE', 'FALSE', 'DEFAULT', 'JSON', 'XML', 'CSV', 'PDF', 'HTML', 'TEXT', 'PAPER', 'EBOOK',
];

function capitalized(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}

function plural(w: string): string {
  if (/(s|x|ch|sh)$/.test(w)) return `${w}es`;
  if (/[^aeiou]y$/.test(w)) return `${w.slice(0, -1)}ies`;
  return `${w}s`;
}

/** Words for the fields of root types: the fixed list, every entity, its plural and its create/update/delete. */
export function rootFieldWords(): string[] {
  const out = new Set<string>(objectFieldWords());
  for (const e of ENTITIES) {
    const C = capitalized(e);
    for (const w of [`create${C}`, `update${C}`, `delete${C}`]) out.add(w);
  }
  return [...out];
}

/** Words for the fields of other object types: the fixed list, every entity and its plural. */
export function objectFieldWords(): string[] {
  const out = new Set<string>(FIELDS);
  for (const e of ENTITIES) {
    out.add(e);
    out.add(plural(e));
  }
  return [...out];
}
