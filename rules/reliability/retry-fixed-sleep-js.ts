import { setTimeout as delay } from 'node:timers/promises';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const RETRY_DELAY_MS = 1000;

export async function fetchCounted(url: string): Promise<Response> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      return await fetch(url);
    } catch (err) {
      lastError = err;
      // ruleid: reliability-retry-fixed-sleep-js
      await sleep(1000);
    }
  }
  throw lastError;
}

export async function connectForever(db: Db): Promise<Conn> {
  while (true) {
    try {
      return await db.connect();
    } catch (err) {
      // ruleid: reliability-retry-fixed-sleep-js
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

export async function publish(bus: Bus, msg: Msg): Promise<void> {
  for (let i = 0; i < 3; i++) {
    try {
      await bus.publish(msg);
      return;
    } catch (err) {
      // ruleid: reliability-retry-fixed-sleep-js
      await delay(RETRY_DELAY_MS);
    }
  }
}

export async function fetchBackoff(url: string): Promise<Response> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      return await fetch(url);
    } catch (err) {
      lastError = err;
      // ok: reliability-retry-fixed-sleep-js
      await sleep(2 ** attempt * 100 * (0.5 + Math.random() / 2));
    }
  }
  throw lastError;
}

export async function poll(job: Job): Promise<void> {
  while (!job.done) {
    try {
      await job.refresh();
    } catch (err) {
      console.warn('refresh failed', err);
    }
    // a polling interval after success and failure alike
    // ok: reliability-retry-fixed-sleep-js
    await sleep(5000);
  }
}

export async function paced(url: string): Promise<Response | undefined> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      // a pause before each call is pacing, not a wait after a failure
      // ok: reliability-retry-fixed-sleep-js
      await sleep(1000);
      return await fetch(url);
    } catch (err) {
      console.warn(err);
    }
  }
  return undefined;
}
