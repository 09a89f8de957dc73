const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function fetchWithRetry(url: string, apiToken: string, attempts = 4): Promise<Response> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await fetch(url, { headers: { Authorization: `Bearer ${apiToken}` } });
      if (res.status < 500) {
        return res;
      }
      lastError = new Error(`status ${res.status}`);
    } catch (err) {
      lastError = err;
    }
    console.warn(`attempt ${attempt} failed for ${url} with token ${apiToken}`, lastError);
    await sleep(2 ** attempt * 100 * (0.5 + Math.random() / 2));
  }
  throw lastError;
}
