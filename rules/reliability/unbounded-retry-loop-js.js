async function fetchForever(url) {
  // ruleid: reliability-unbounded-retry-loop-js
  while (true) {
    try {
      return await fetch(url);
    } catch (err) {
      console.warn("fetch failed, retrying", err.message);
      await sleep(1000);
    }
  }
}

async function fetchBounded(url, max = 5) {
  let attempt = 0;
  // ok: reliability-unbounded-retry-loop-js
  while (true) {
    try {
      return await fetch(url);
    } catch (err) {
      if (++attempt >= max) {
        throw err;
      }
      await sleep(2 ** attempt * 100);
    }
  }
}

async function fetchDeadline(url, deadline) {
  // ok: reliability-unbounded-retry-loop-js
  for (;;) {
    if (Date.now() > deadline) throw new Error("timed out");
    try {
      return await fetch(url);
    } catch (err) {
      await sleep(500);
    }
  }
}
