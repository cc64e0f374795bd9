/**
 * How many git requests (each a `git http-backend` process) each user has
 * running on the built-in host, against a per-user cap: one user's 500
 * parallel pushes take `limit` processes, and everyone else's still run.
 */
export class GitSlots {
  private readonly running = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** Takes a slot for `user`: the function that gives it back, or undefined when they have `limit` running. */
  tryTake(user: string): (() => void) | undefined {
    const now = this.running.get(user) ?? 0;
    if (now >= this.limit) return undefined;
    this.running.set(user, now + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.running.get(user) ?? 1) - 1;
      if (left === 0) this.running.delete(user);
      else this.running.set(user, left);
    };
  }
}
