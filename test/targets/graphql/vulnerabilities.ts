/**
 * What the vulnerable GraphQL target gets wrong, one entry per flaw and place. README.md explains
 * each with its exploit; graphql-target.test.ts sends each exploit to both variants.
 */
import type { DocumentedVulnerability } from '../types.js';

export const GRAPHQL_VULNERABILITIES: readonly DocumentedVulnerability[] = [
  {
    id: 'graphql-introspection',
    checkId: 'graphql.introspection',
    where: 'POST /graphql',
    description:
      'Introspection (`__schema`, `__type`) answers anyone, with or without a token. The fixed twin rejects both fields with a validation error and serves its SDL nowhere.',
  },
  {
    id: 'graphql-field-suggestions',
    checkId: 'graphql.field-suggestions',
    where: 'POST /graphql',
    description:
      'Validation errors suggest real names (`Cannot query field "passwor" on type "User". Did you mean "passwordHash"?`), which rebuilds the schema without introspection. The fixed twin strips every "Did you mean" from its messages.',
  },
  {
    id: 'graphql-batching',
    checkId: 'graphql.batching',
    where: 'POST /graphql',
    description:
      'A JSON array of operations is executed, all of them, in one HTTP request (brute force of `login` past per-request rate limits). The fixed twin answers an array with 400.',
  },
  {
    id: 'graphql-alias-overloading',
    checkId: 'graphql.alias-overloading',
    where: 'POST /graphql',
    description:
      'One query may alias the same field any number of times (100 `login` attempts or product searches in one operation). The fixed twin rejects a document with more than 15 aliases at validation.',
  },
  {
    id: 'graphql-depth-limit',
    checkId: 'graphql.depth-limit',
    where: 'POST /graphql',
    description:
      'No depth limit: `me { orders { owner { orders { owner … } } } }` nested 10 and more levels executes, and its cost grows exponentially with the depth. The fixed twin rejects operations deeper than 7.',
  },
  {
    id: 'graphql-directive-overloading',
    checkId: 'graphql.directive-overloading',
    where: 'POST /graphql',
    description:
      'Any number of directives may sit on a field; 50 unknown ones are validated one by one (50 errors in one answer). The fixed twin answers a document with more than 20 directives with one limit error.',
  },
  {
    id: 'graphql-field-duplication',
    checkId: 'graphql.field-duplication',
    where: 'POST /graphql',
    description:
      'The same field 500 times in one selection set is validated (quadratic overlap checks) and executed. The fixed twin rejects documents with more than 200 fields.',
  },
  {
    id: 'graphql-get-mutation',
    checkId: 'graphql.get-mutation',
    where: 'GET /graphql',
    description:
      'Mutations are executed from `GET /graphql?query=mutation…`, so a link or an image tag can change data (CSRF). The fixed twin answers GET mutations with 405 and runs only queries over GET.',
  },
  {
    id: 'graphql-csrf-content-types',
    checkId: 'graphql.get-mutation',
    where: 'POST /graphql',
    description:
      'POST bodies sent as `application/x-www-form-urlencoded`, `text/plain` (or `application/graphql`) are executed; a cross-site HTML form sends the first two without a CORS preflight. The fixed twin requires `application/json` (415 otherwise).',
  },
  {
    id: 'graphql-debug-errors',
    checkId: 'graphql.debug-errors',
    where: 'POST /graphql',
    description:
      'Resolver errors carry `extensions.exception.stacktrace` with file paths and line numbers (for example `order(id: "x")`, or any SQL error of `products`). The fixed twin answers unexpected errors with "Internal server error" and never sends a stack.',
  },
  {
    id: 'graphql-bola-order',
    checkId: 'authz.bola',
    where: 'Query.order',
    description:
      "`order(id)` returns any user's order to any logged-in user. The fixed twin returns null with a \"not found\" error unless the caller owns the order.",
  },
  {
    id: 'graphql-bola-update-order',
    checkId: 'authz.bola',
    where: 'Mutation.updateOrder',
    description:
      "`updateOrder(id, …)` changes any user's order (quantity, shipping address). The fixed twin changes only the caller's orders (\"not found\" otherwise).",
  },
  {
    id: 'graphql-bfla-delete-user',
    checkId: 'authz.bfla',
    where: 'Mutation.deleteUser',
    description:
      '`deleteUser(id)`, documented as administrators only, works for every logged-in user. The fixed twin answers non-administrators with a "forbidden" error.',
  },
  {
    id: 'graphql-bfla-users',
    checkId: 'authz.bfla',
    where: 'Query.users',
    description:
      '`users`, documented as administrators only, lists every account to every logged-in user. The fixed twin answers non-administrators with a "forbidden" error.',
  },
  {
    id: 'graphql-mass-assignment-role',
    checkId: 'authz.mass-assignment',
    where: 'Mutation.updateProfile',
    description:
      '`updateProfile(input: {role: "admin"})` makes any user an administrator: the resolver applies every field of ProfileInput. The fixed twin ignores `role` unless the caller already is an administrator.',
  },
  {
    id: 'graphql-exposure-password-hash',
    checkId: 'data.excessive-exposure',
    where: 'User.passwordHash',
    description:
      "`passwordHash` (scrypt) is readable by anyone who can read the user, other users' included (`user(id)`, `order { owner }`). The fixed twin resolves it to null with a \"forbidden\" error unless the caller is an administrator.",
  },
  {
    id: 'graphql-exposure-api-key',
    checkId: 'data.excessive-exposure',
    where: 'User.apiKey',
    description:
      "`apiKey` is readable by anyone who can read the user, other users' included. The fixed twin resolves it to null with a \"forbidden\" error unless the caller is an administrator.",
  },
  {
    id: 'graphql-sqli-products',
    checkId: 'injection.sql',
    where: 'Query.products',
    description:
      "`products(search)` pastes `search` into the SQLite query: a quote returns SQLite's syntax error in `errors[].message`, `' OR '1'='1` returns every product, and UNION SELECT reads the users table. The fixed twin binds `search` as a parameter.",
  },
  {
    id: 'graphql-unauthenticated-orders',
    checkId: 'auth.unauthenticated-access',
    where: 'Query.orders',
    description:
      '`orders` (the caller\'s orders) answers a request without a token with every order of every user. The fixed twin answers it with an "unauthenticated" error.',
  },
  {
    id: 'graphql-login-no-rate-limit',
    checkId: 'auth.no-login-rate-limit',
    where: 'Mutation.login',
    description:
      '`login` takes any number of wrong passwords for a username. The fixed twin refuses further attempts for a username after 10 failures within 60 s with a "too many failed logins" error (code RATE_LIMITED).',
  },
];
