// One clock for every relative time on the page ("5 min ago"): ticks twice a minute, so those
// texts stay true without each row keeping its own timer.
const TICK_MS = 30_000;

class Clock {
  now = $state(new Date());
  private timer: ReturnType<typeof setInterval> | undefined;

  start(): void {
    this.timer ??= setInterval(() => (this.now = new Date()), TICK_MS);
  }
}

export const clock = new Clock();
