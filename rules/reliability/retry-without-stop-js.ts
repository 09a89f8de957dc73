import pRetry from 'p-retry';
import retry from 'async-retry';
import * as retryOp from 'retry';

export async function syncForever(run: () => Promise<void>): Promise<void> {
  // ruleid: reliability-retry-without-stop-js
  await pRetry(run, { retries: Infinity, minTimeout: 1000 });
}

export async function fetchForever(url: string): Promise<Response> {
  // ruleid: reliability-retry-without-stop-js
  return retry(async () => fetch(url), {
    forever: true,
    factor: 2,
  });
}

// ruleid: reliability-retry-without-stop-js
const RETRY_OPTIONS = { retries: Number.POSITIVE_INFINITY, factor: 2 };

export function connectForever(connect: (cb: (err?: Error) => void) => void): void {
  // ruleid: reliability-retry-without-stop-js
  const op = retryOp.operation({ forever: true, minTimeout: 500 });
  op.attempt(() => connect((err) => op.retry(err)));
}

export async function syncBounded(run: () => Promise<void>): Promise<void> {
  // ok: reliability-retry-without-stop-js
  await pRetry(run, { retries: 5, minTimeout: 1000, randomize: true });
}

export async function fetchBounded(url: string): Promise<Response> {
  // ok: reliability-retry-without-stop-js
  return retry(async () => fetch(url), { retries: 4, factor: 2 });
}

// a cache that keeps entries forever is not a retry policy
// ok: reliability-retry-without-stop-js
const cacheOptions = { forever: true, max: 500 };

export function keep(store: Store, key: string): void {
  // ok: reliability-retry-without-stop-js
  store.set(key, { forever: true });
}
