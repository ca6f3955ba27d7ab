/**
 * What the fixed twins send on every answer (the hardening headers a scanner looks for), and the
 * shape an Origin (or a header list) must have before a target echoes it back.
 */

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** Printable ASCII without spaces, 1 to 2048 characters. */
export const ORIGIN_SHAPE = /^[\x21-\x7e]{1,2048}$/;
