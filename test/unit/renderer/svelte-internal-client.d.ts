// The one export of Svelte's client runtime the tests use (state-proxy.ts); the package ships
// no types for its internals.
declare module 'svelte/internal/client' {
  export function proxy<T>(value: T): T;
}
