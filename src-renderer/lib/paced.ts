// A value shown at most once per interval, by the caller's clock: for progress that arrives
// faster than a person reads it, where each shown change costs the page a frame to draw.

/** Wraps `show` so that it runs for the first value and then at most once per `intervalMs`. */
export function paced<T>(
  intervalMs: number,
  show: (value: T) => void,
): (value: T, at: number) => void {
  let shownAt = -Infinity;
  return (value, at) => {
    if (at - shownAt < intervalMs) return;
    shownAt = at;
    show(value);
  };
}
