export async function flush(sink: Sink): Promise<void> {
  // ruleid: production-swallowed-error-js
  try {
    await sink.flush();
  } catch (e) {}

  // a bare fire-and-forget statement: the outcome is visibly, deliberately unused
  // ok: production-swallowed-error-js
  sink.close().catch(() => {});

  // ruleid: production-swallowed-error-js
  await sink.close().catch(() => {});

  // ok: production-swallowed-error-js
  try {
    await sink.flush();
  } catch (e) {
    logger.error({ err: e }, "flush failed");
    throw e;
  }

  // ok: production-swallowed-error-js
  try {
    await sink.flush();
  } catch {
    // best effort: the sink is closed on shutdown anyway
    metrics.increment("sink.flush.failed");
  }
}
