import type { DocumentedVulnerability } from '../types.js';

/**
 * What the vulnerable legacy target gets wrong, one entry per flaw, with the scanner check that
 * must find it. README.md beside this file says how to exploit each and how the fixed twin differs;
 * legacy-target.test.ts proves each one with the real exploit request. `where` is the path template
 * as in the spec, i.e. without its basePath `/api` (so `GET /notes` is served at `/api/notes`), which
 * is also how the scanner names operations.
 */
export const LEGACY_VULNERABILITIES: readonly DocumentedVulnerability[] = [
  {
    id: 'legacy-sqli-user-lookup',
    checkId: 'injection.sql',
    where: 'GET /users/{username}',
    description: "The username is pasted into SQLite SQL; a quote returns the SQLite error in a 500 and ' OR '1'='1 finds a user. The fixed twin binds the parameter and answers 404.",
  },
  {
    id: 'legacy-bola-note-read',
    checkId: 'authz.bola',
    where: 'GET /notes/{slug}',
    description: "Any logged-in user reads any note by its slug (no owner check). The fixed twin answers 404 for other users' notes.",
  },
  {
    id: 'legacy-bola-note-update',
    checkId: 'authz.bola',
    where: 'PUT /notes/{slug}',
    description: "Any logged-in user replaces another user's note. The fixed twin answers 404 for other users' notes.",
  },
  {
    id: 'legacy-mass-assignment-profile',
    checkId: 'authz.mass-assignment',
    where: 'PUT /users/{username}',
    description: 'Every users column the body names is written, so {"is_admin": true} sticks and shows in the profile. The fixed twin takes displayName and email only and ignores the rest.',
  },
  {
    id: 'legacy-excessive-exposure-profile',
    checkId: 'data.excessive-exposure',
    where: 'GET /users/{username}',
    description: "The profile carries password_hash (unsalted sha256 hex), session_secret, role, is_admin and everyone's email. The fixed twin answers username and displayName (and email to the owner).",
  },
  {
    id: 'legacy-bfla-audit-log',
    checkId: 'authz.bfla',
    where: 'GET /admin/audit',
    description: 'The admin audit log answers any logged-in user. The fixed twin answers 403 unless the caller is an administrator.',
  },
  {
    id: 'legacy-unauthenticated-notes',
    checkId: 'auth.unauthenticated-access',
    where: 'GET /notes',
    description: "Declared as secured, but without a session cookie it answers 200 with every user's notes. The fixed twin answers 401.",
  },
  {
    id: 'legacy-path-traversal-export',
    checkId: 'injection.path-traversal',
    where: 'GET /export',
    description: 'file is joined to the export directory without checks, so ../../../../etc/passwd is read. The fixed twin rejects names with /, \\ or .. (400) and keeps the resolved path inside the directory.',
  },
  {
    id: 'legacy-ssrf-avatar',
    checkId: 'injection.ssrf',
    where: 'POST /avatar',
    description: 'The form field url is fetched server-side whatever it points at (loopback and private addresses included) and its status is answered. The fixed twin only fetches https URLs on avatars.example.com and answers 400 without fetching otherwise.',
  },
  {
    id: 'legacy-cors-any-origin',
    checkId: 'config.cors',
    where: 'GET /notes',
    description: 'Every Origin, null included, is echoed in Access-Control-Allow-Origin with Access-Control-Allow-Credentials: true, on every route and on preflight. The fixed twin sends no CORS headers.',
  },
  {
    id: 'legacy-verbose-errors-limit',
    checkId: 'config.verbose-errors',
    where: 'GET /notes',
    description: 'A non-numeric limit answers 500 with the JavaScript stack trace and internal file paths (so does any other unexpected error). The fixed twin answers 400 application/problem+json without internals.',
  },
  {
    id: 'legacy-login-no-rate-limit',
    checkId: 'auth.no-login-rate-limit',
    where: 'POST /session',
    description: 'Failed logins are unlimited. The fixed twin answers 429 with Retry-After after 10 failed attempts for one username (existing or not) within 60 s.',
  },
  {
    id: 'legacy-missing-security-headers',
    checkId: 'config.security-headers',
    where: 'GET /notes',
    description: 'Responses lack X-Content-Type-Options and Cache-Control: no-store and send X-Powered-By: PHP/5.6.40. The fixed twin sends nosniff, no-store, CSP, X-Frame-Options and Referrer-Policy on every response and no banner.',
  },
  {
    id: 'legacy-xxe-note-import',
    checkId: 'injection.xxe',
    where: 'POST /notes/import',
    description:
      'The XML import is parsed with entity resolution on: an external entity SYSTEM "file:///etc/passwd" in <body> puts the file into the created note, and SYSTEM "http://…" entities (general or parameter) are fetched. The fixed twin answers 400 to any DOCTYPE.',
  },
  {
    id: 'legacy-xxe-note-create-xml',
    checkId: 'injection.xxe',
    where: 'POST /notes',
    description:
      'Described as form/JSON, note creation still takes the old XML format (content-type application/xml), parsed like the import with external entities resolved. The fixed twin answers 400 to an XML body.',
  },
];
