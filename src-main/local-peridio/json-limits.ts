// The shape a JSON body may have: at most 32 levels deep and 10,000 keys in all. JSON.parse
// takes any depth, but what handles the value afterwards (validation, storing, answering)
// recurses, and a body nested 5,000 levels deep crashed it; many keys cost time for nothing.
// Also only what can be stored as sent: text that is valid Unicode (a lone surrogate escape
// such as "\ud800" was written to SQLite as other characters) and finite numbers (1e999
// parses to Infinity, which custom_metadata kept as null). Checked once, without
// recursion, before any route sees the body.

export const JSON_LIMITS = { maxDepth: 32, maxKeys: 10_000 } as const;

// With the u flag a pair of surrogates is one code point; only a lone half matches.
const LONE_SURROGATE = /\p{Surrogate}/u;
const NOT_UNICODE = 'holds text that is not valid Unicode (an unpaired UTF-16 surrogate)';

/** The top-level field that breaks a limit and how, or undefined when the body is within. */
export function jsonLimitProblem(
  body: unknown,
  limits: { maxDepth: number; maxKeys: number } = JSON_LIMITS,
): { field: string; message: string } | undefined {
  let keys = 0;
  // Each entry: a value, its depth (the body is level 1) and the top-level field it is under.
  const pending: [unknown, number, string][] = [[body, 1, 'body']];
  for (let entry = pending.pop(); entry !== undefined; entry = pending.pop()) {
    const [value, depth, field] = entry;
    if (typeof value === 'string' && LONE_SURROGATE.test(value)) {
      return { field, message: NOT_UNICODE };
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return { field, message: 'holds a number too large to be kept (JSON parses it as infinity)' };
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth > limits.maxDepth) {
      return { field, message: `is nested deeper than ${limits.maxDepth} levels` };
    }
    if (Array.isArray(value)) {
      for (const item of value) pending.push([item, depth + 1, field]);
      continue;
    }
    const entries = Object.entries(value);
    keys += entries.length;
    if (keys > limits.maxKeys) {
      return { field, message: `makes the body hold more than ${limits.maxKeys} keys` };
    }
    for (const [key, child] of entries) {
      if (LONE_SURROGATE.test(key)) {
        return { field: depth === 1 ? 'body' : field, message: NOT_UNICODE };
      }
      pending.push([child, depth + 1, depth === 1 ? key : field]);
    }
  }
  return undefined;
}
