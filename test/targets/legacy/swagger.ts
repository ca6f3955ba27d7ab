/**
 * The legacy target's Swagger 2.0 description (served at /swagger.json). It describes the intended
 * API, identical on both variants, and says nothing about the flaws. Swagger 2.0 has no cookie
 * location for API keys, so the session is declared the way 2.0 documents do it: an apiKey in the
 * `Cookie` header, with `x-cookie-name: sid` saying which cookie.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ref = (name: string): Json => ({ $ref: `#/definitions/${name}` });
const problem: Json = { description: 'Problem details (application/problem+json)', schema: ref('Problem') };
const unauthorized: Json = { description: 'No valid session cookie', schema: ref('Problem') };
const PUBLIC: Json = [];

const usernameParam: Json = { name: 'username', in: 'path', required: true, type: 'string', pattern: '^[a-z][a-z0-9_]{2,31}$', 'x-example': 'carol' };
const slugParam: Json = { name: 'slug', in: 'path', required: true, type: 'string', pattern: '^[a-z0-9_-]{1,100}$', 'x-example': 'carol-groceries-3f9a' };

const definitions: Record<string, Json> = {
  Problem: {
    type: 'object',
    required: ['type', 'title', 'status', 'detail'],
    properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } },
  },
  Ok: { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' } } },
  SignUp: {
    type: 'object',
    required: ['username', 'email', 'password'],
    properties: {
      username: { type: 'string', pattern: '^[a-z][a-z0-9_]{2,31}$', example: 'erin' },
      email: { type: 'string', format: 'email', maxLength: 254, example: 'erin@example.org' },
      password: { type: 'string', format: 'password', minLength: 8, maxLength: 128 },
    },
  },
  Profile: {
    type: 'object',
    required: ['username', 'displayName'],
    properties: {
      username: { type: 'string' },
      displayName: { type: 'string' },
      email: { type: 'string', format: 'email', description: 'Only in your own profile' },
    },
  },
  ProfileUpdate: {
    type: 'object',
    properties: { displayName: { type: 'string', minLength: 1, maxLength: 80 }, email: { type: 'string', format: 'email', maxLength: 254 } },
  },
  NoteInput: {
    type: 'object',
    required: ['title'],
    properties: { title: { type: 'string', minLength: 1, maxLength: 120, example: 'Shopping list' }, body: { type: 'string', maxLength: 10000 } },
  },
  NoteXml: {
    type: 'object',
    required: ['title'],
    xml: { name: 'note' },
    properties: { title: { type: 'string', minLength: 1, maxLength: 120, example: 'Imported list' }, body: { type: 'string', maxLength: 10000, example: 'Milk, eggs' } },
  },
  Note: {
    type: 'object',
    required: ['slug', 'owner', 'title', 'body', 'updatedAt'],
    properties: {
      slug: { type: 'string', example: 'carol-groceries-3f9a' },
      owner: { type: 'string' },
      title: { type: 'string' },
      body: { type: 'string' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
  },
  NoteList: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('Note') } } },
  AvatarResult: {
    type: 'object',
    required: ['url', 'status'],
    properties: { url: { type: 'string' }, status: { type: 'integer' }, contentType: { type: 'string' }, bytes: { type: 'integer' } },
  },
  AuditEntry: {
    type: 'object',
    required: ['at', 'actor', 'action', 'detail'],
    properties: { at: { type: 'string', format: 'date-time' }, actor: { type: 'string' }, action: { type: 'string' }, detail: { type: 'string' } },
  },
  AuditLog: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('AuditEntry') } } },
};

const noteFormParams: Json = [
  { name: 'title', in: 'formData', required: true, type: 'string', minLength: 1, maxLength: 120 },
  { name: 'body', in: 'formData', required: false, type: 'string', maxLength: 10000 },
];

const paths: Record<string, Json> = {
  '/session': {
    post: {
      operationId: 'login',
      summary: 'Log in: sets the sid session cookie',
      tags: ['session'],
      security: PUBLIC,
      consumes: ['application/x-www-form-urlencoded'],
      parameters: [
        { name: 'username', in: 'formData', required: true, type: 'string', maxLength: 200 },
        { name: 'password', in: 'formData', required: true, type: 'string', format: 'password', maxLength: 200 },
      ],
      responses: {
        '200': { description: 'Logged in; Set-Cookie: sid=…; HttpOnly; Path=/', schema: ref('Ok'), headers: { 'Set-Cookie': { type: 'string' } } },
        '400': problem,
        '401': { description: 'Wrong username or password', schema: ref('Problem') },
        '429': { description: 'Too many failed logins for this username', schema: ref('Problem'), headers: { 'Retry-After': { type: 'integer' } } },
      },
    },
  },
  '/users': {
    post: {
      operationId: 'signUp',
      summary: 'Create an account',
      tags: ['users'],
      security: PUBLIC,
      parameters: [{ name: 'user', in: 'body', required: true, schema: ref('SignUp') }],
      responses: { '201': { description: 'Created', schema: ref('Profile') }, '400': problem, '409': problem },
    },
  },
  '/users/{username}': {
    parameters: [usernameParam],
    get: {
      operationId: 'getUser',
      summary: "A user's public profile (email only in your own)",
      tags: ['users'],
      security: PUBLIC,
      responses: { '200': { description: 'The profile', schema: ref('Profile') }, '404': problem },
    },
    put: {
      operationId: 'updateUser',
      summary: 'Change your own profile',
      tags: ['users'],
      parameters: [{ name: 'profile', in: 'body', required: true, schema: ref('ProfileUpdate') }],
      responses: { '200': { description: 'The updated profile', schema: ref('Profile') }, '400': problem, '401': unauthorized, '403': problem, '404': problem },
    },
  },
  '/notes': {
    get: {
      operationId: 'listNotes',
      summary: 'Your notes',
      tags: ['notes'],
      parameters: [{ name: 'limit', in: 'query', required: false, type: 'integer', minimum: 1, maximum: 100, default: 20 }],
      responses: { '200': { description: 'Your notes', schema: ref('NoteList') }, '400': problem, '401': unauthorized },
    },
    post: {
      operationId: 'createNote',
      summary: 'Write a note (form fields or JSON)',
      tags: ['notes'],
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      parameters: noteFormParams,
      responses: { '201': { description: 'Created', schema: ref('Note') }, '400': problem, '401': unauthorized },
    },
  },
  '/notes/import': {
    post: {
      operationId: 'importNote',
      summary: 'Import a note from the XML export format (<note><title>…</title><body>…</body></note>)',
      tags: ['notes'],
      consumes: ['application/xml'],
      parameters: [{ name: 'note', in: 'body', required: true, schema: ref('NoteXml') }],
      responses: { '201': { description: 'Created', schema: ref('Note') }, '400': problem, '401': unauthorized, '415': problem },
    },
  },
  '/notes/{slug}': {
    parameters: [slugParam],
    get: {
      operationId: 'getNote',
      summary: 'One of your notes',
      tags: ['notes'],
      responses: { '200': { description: 'The note', schema: ref('Note') }, '401': unauthorized, '404': problem },
    },
    put: {
      operationId: 'updateNote',
      summary: 'Replace one of your notes',
      tags: ['notes'],
      parameters: [{ name: 'note', in: 'body', required: true, schema: ref('NoteInput') }],
      responses: { '200': { description: 'The note', schema: ref('Note') }, '400': problem, '401': unauthorized, '404': problem },
    },
    delete: {
      operationId: 'deleteNote',
      summary: 'Delete one of your notes',
      tags: ['notes'],
      responses: { '204': { description: 'Deleted' }, '401': unauthorized, '404': problem },
    },
  },
  '/export': {
    get: {
      operationId: 'getExport',
      summary: 'Download a prepared export (notes.csv, README.txt)',
      tags: ['tools'],
      produces: ['text/plain'],
      parameters: [{ name: 'file', in: 'query', required: true, type: 'string', maxLength: 255, 'x-example': 'notes.csv' }],
      responses: { '200': { description: 'The file', schema: { type: 'string' } }, '400': problem, '401': unauthorized, '404': problem },
    },
  },
  '/avatar': {
    post: {
      operationId: 'setAvatar',
      summary: 'Check an avatar image URL (https://avatars.example.com/…)',
      tags: ['tools'],
      consumes: ['application/x-www-form-urlencoded'],
      parameters: [{ name: 'url', in: 'formData', required: true, type: 'string', format: 'uri', maxLength: 2048, 'x-example': 'https://avatars.example.com/carol.png' }],
      responses: { '200': { description: 'The status the avatar URL answered', schema: ref('AvatarResult') }, '400': problem, '401': unauthorized, '502': problem },
    },
  },
  '/admin/audit': {
    get: {
      operationId: 'getAuditLog',
      summary: 'The last 100 audit entries (administrators)',
      tags: ['admin'],
      responses: { '200': { description: 'Audit entries, newest first', schema: ref('AuditLog') }, '401': unauthorized, '403': problem },
    },
  },
};

/** The document for a target listening at `url` (`http://127.0.0.1:<port>`). */
export function swaggerDocument(url: string): Json {
  return {
    swagger: '2.0',
    info: { title: 'Legacy Notes API', version: '0.9.3', description: 'A notes service with cookie sessions.' },
    host: new URL(url).host,
    basePath: '/api',
    schemes: ['http'],
    consumes: ['application/json'],
    produces: ['application/json'],
    securityDefinitions: {
      sessionCookie: { type: 'apiKey', in: 'header', name: 'Cookie', description: 'The session cookie `sid` set by POST /session: send `Cookie: sid=<value>`.', 'x-cookie-name': 'sid' },
    },
    security: [{ sessionCookie: [] }],
    tags: [{ name: 'session' }, { name: 'users' }, { name: 'notes' }, { name: 'tools' }, { name: 'admin' }],
    paths,
    definitions,
  };
}
