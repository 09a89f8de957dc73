export async function connect(db: Db): Promise<Conn> {
  // ruleid: reliability-unbounded-retry-loop-js
  for (;;) {
    try {
      return await db.connect();
    } catch (e) {
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

// veil-js before PR #21: only a "jwt expired" error was handled; every other
// error looped again, forever
class VeilClient {
  async retry<T>(func: () => Promise<T>): Promise<T> {
    // ruleid: reliability-unbounded-retry-loop-js
    while (true) {
      try {
        const result = await func();
        return result;
      } catch (e: any) {
        if (e.errors.some((err: any) => err.message.match("jwt expired"))) {
          await this.authenticate();
        }
      }
    }
  }

  async retryFixed<T>(func: () => Promise<T>): Promise<T> {
    // ok: reliability-unbounded-retry-loop-js
    while (true) {
      try {
        return await func();
      } catch (e: any) {
        if (e.errors.some((err: any) => err.message.match("jwt expired"))) {
          await this.authenticate();
        } else {
          throw e;
        }
      }
    }
  }

  async authenticate(): Promise<void> {}
}
