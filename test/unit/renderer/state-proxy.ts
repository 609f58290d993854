// A deep Svelte `$state` value as the views hold it in the browser. The unit project compiles
// runes for the server, where `$state(x)` is x itself; in the browser `$state(x)` compiles to
// the client runtime's `proxy(x)`, used here directly.
// eslint-disable-next-line svelte/no-svelte-internal -- what `$state` compiles to in the browser, which this unit project cannot compile for
import { proxy } from 'svelte/internal/client';

export function deepState<T extends object>(value: T): T {
  return proxy(value);
}
