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
