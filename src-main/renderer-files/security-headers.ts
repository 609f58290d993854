// The response headers every face that serves the renderer sends (the dashboard over HTTP,
// the desktop app over app://), so both run the interface under the same strict policy.
// Plain Node: no Electron, no fastify.

/** Only our own files: no inline script or style, no plugins, no framing, no form posts. */
export const CONTENT_SECURITY_POLICY = // eng-disable CSP_GLOBAL_CHECK: 'self' is app://desk or the dashboard's own origin, which serve only the renderer build (no JSONP, no uploaded files)
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; " +
  "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; " +
  "form-action 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
