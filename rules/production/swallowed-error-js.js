
// rate-limiter-flexible RateLimiterValkeyGlide.close(): the empty catch says why
async function closeInsurance(insuranceLimiter) {
  // ok: production-swallowed-error-js
  try {
    await insuranceLimiter.close();
  } catch (e) {
    // We can't assume that insuranceLimiter implements close.
  }
}

// rate-limiter-flexible RLWrapperBlackAndWhite: white-listed keys still count, the
// limiter's verdict is deliberately unused
function runAnyway(limiter, action, key) {
  // ok: production-swallowed-error-js
  limiter[action](key).catch(() => {});
}

async function fetchQuietly(client) {
  // ruleid: production-swallowed-error-js
  return await client.fetch().catch(() => {});
}
