import type { DocumentedVulnerability } from '../types.js';

/**
 * What the vulnerable REST target gets wrong, one entry per flaw, with the scanner check that must
 * find it. README.md beside this file says how to exploit each and how the fixed twin differs;
 * rest-target.test.ts proves each one with the real exploit request.
 */
export const REST_VULNERABILITIES: readonly DocumentedVulnerability[] = [
  {
    id: 'rest-bola-orders',
    checkId: 'authz.bola',
    where: 'GET /api/orders/{id}',
    description: 'Any authenticated user reads any order by id (no ownership check). The fixed twin answers 404 for orders of other users.',
  },
  {
    id: 'rest-bola-orders-update',
    checkId: 'authz.bola',
    where: 'PUT /api/orders/{id}',
    description: "Any authenticated user replaces another user's order. The fixed twin answers 404 for orders of other users.",
  },
  {
    id: 'rest-bola-orders-delete',
    checkId: 'authz.bola',
    where: 'DELETE /api/orders/{id}',
    description: "Any authenticated user deletes another user's order. The fixed twin answers 404 for orders of other users.",
  },
  {
    id: 'rest-bfla-admin-users-list',
    checkId: 'authz.bfla',
    where: 'GET /api/admin/users',
    description: 'The admin user list answers any authenticated user, not only admins. The fixed twin answers 403 unless the caller has role admin.',
  },
  {
    id: 'rest-bfla-admin-users-delete',
    checkId: 'authz.bfla',
    where: 'DELETE /api/admin/users/{id}',
    description: 'Any authenticated user deletes users. The fixed twin answers 403 unless the caller has role admin.',
  },
  {
    id: 'rest-mass-assignment-profile',
    checkId: 'authz.mass-assignment',
    where: 'PATCH /api/users/me',
    description: 'Every body field is merged into the stored user, so {"role":"admin"} or {"isAdmin":true} sticks. The fixed twin takes only name and email and ignores the rest.',
  },
  {
    id: 'rest-excessive-exposure-user',
    checkId: 'data.excessive-exposure',
    where: 'GET /api/users/{id}',
    description: 'The public profile carries passwordHash, apiKey and resetToken. The fixed twin answers id, name and email only.',
  },
  {
    id: 'rest-excessive-exposure-me',
    checkId: 'data.excessive-exposure',
    where: 'GET /api/users/me',
    description: "The caller's profile carries passwordHash, apiKey and resetToken. The fixed twin answers id, username, name, email and role only.",
  },
  {
    id: 'rest-unauthenticated-invoices',
    checkId: 'auth.unauthenticated-access',
    where: 'GET /api/invoices',
    description: 'Declared as secured, but answers 200 with every invoice when no token is sent. The fixed twin answers 401.',
  },
  {
    id: 'rest-jwt-alg-none',
    checkId: 'auth.jwt-none',
    where: 'POST /api/auth/login',
    description: 'Tokens whose header says {"alg":"none"} are accepted without a signature on every secured route. The fixed twin only accepts HS256 with a valid signature.',
  },
  {
    id: 'rest-jwt-weak-secret',
    checkId: 'auth.jwt-weak-secret',
    where: 'POST /api/auth/login',
    description: 'Tokens are HS256-signed with the secret "secret", so anyone can forge them. The fixed twin signs with a random 32-byte secret per start.',
  },
  {
    id: 'rest-jwt-expiry-unchecked',
    checkId: 'auth.jwt-expiry-unchecked',
    where: 'POST /api/auth/login',
    description: 'A correctly signed token whose exp lies in the past is still accepted. The fixed twin rejects it with 401.',
  },
  {
    id: 'rest-login-no-rate-limit',
    checkId: 'auth.no-login-rate-limit',
    where: 'POST /api/auth/login',
    description: 'Failed logins are unlimited. The fixed twin answers 429 with Retry-After after 10 failed attempts for one username within 60 s.',
  },
  {
    id: 'rest-sqli-product-search',
    checkId: 'injection.sql',
    where: 'GET /api/products',
    description: 'The search parameter is concatenated into SQLite SQL; a quote returns the SQLite error in a 500 and OR-tautologies change the result. The fixed twin binds parameters and answers generic errors.',
  },
  {
    id: 'rest-nosqli-login',
    checkId: 'injection.nosql',
    where: 'POST /api/auth/login',
    description: 'Credentials are matched with a Mongo-style matcher that honours $ne, $gt, $regex and $in, so {"password":{"$ne":null}} logs in. The fixed twin answers 400 for non-string fields.',
  },
  {
    id: 'rest-command-injection-ping',
    checkId: 'injection.command',
    where: 'GET /api/tools/ping',
    description: 'The host is concatenated into a /bin/sh command line, so ; | $(...) and backticks run commands. The fixed twin validates the host as an IP or hostname and uses no shell.',
  },
  {
    id: 'rest-path-traversal-files',
    checkId: 'injection.path-traversal',
    where: 'GET /api/files',
    description: 'The name is joined to the docs directory without checks, so ../../../../etc/passwd is read. The fixed twin rejects names with /, \\ or .. and keeps the resolved path inside the directory.',
  },
  {
    id: 'rest-ssrf-webhook-test',
    checkId: 'injection.ssrf',
    where: 'POST /api/webhooks/test',
    description: 'The server fetches any URL, loopback and private addresses included, and returns the first KiB of the answer. The fixed twin only fetches https URLs on hooks.example.com and answers 400 otherwise.',
  },
  {
    id: 'rest-xss-search-html',
    checkId: 'injection.xss',
    where: 'GET /api/search/html',
    description: 'q is inserted into the HTML page unescaped. The fixed twin escapes it and sends Content-Security-Policy: default-src \'none\'.',
  },
  {
    id: 'rest-unbounded-page-size',
    checkId: 'resource.unbounded-page-size',
    where: 'GET /api/products',
    description: 'limit has no maximum: limit=100000 returns all products at once. The fixed twin answers 400 when limit is above 100.',
  },
  {
    id: 'rest-cors-reflected-origin',
    checkId: 'config.cors',
    where: 'GET /api/users/me',
    description: 'Every Origin is reflected in Access-Control-Allow-Origin with Access-Control-Allow-Credentials: true, on every route and on preflight. The fixed twin allows https://shop.example.com only.',
  },
  {
    id: 'rest-missing-security-headers',
    checkId: 'config.security-headers',
    where: 'GET /api/users/me',
    description: 'Responses lack X-Content-Type-Options and Cache-Control: no-store and send X-Powered-By: Express 4.17.1. The fixed twin sends nosniff, no-store, CSP, X-Frame-Options and Referrer-Policy on every response and no banner.',
  },
  {
    id: 'rest-verbose-errors-product',
    checkId: 'config.verbose-errors',
    where: 'GET /api/products/{id}',
    description: 'A non-numeric id answers 500 with the JavaScript stack trace and internal file paths. The fixed twin answers 400 application/problem+json without internals.',
  },
  {
    id: 'rest-exposed-dotenv',
    checkId: 'config.exposed-endpoints',
    where: 'GET /.env',
    description: 'An environment file with (fake) secrets such as DB_PASSWORD is served without authentication. The fixed twin answers 404.',
  },
  {
    id: 'rest-exposed-debug-vars',
    checkId: 'config.exposed-endpoints',
    where: 'GET /debug/vars',
    description: 'Process information (pid, memory, versions, configuration) is served without authentication. The fixed twin answers 404.',
  },
  {
    id: 'rest-undocumented-v1-users',
    checkId: 'inventory.undocumented-endpoints',
    where: 'GET /api/v1/users',
    description: 'An old API version, absent from the spec, still lists every user without authentication. The fixed twin answers 404.',
  },
];
