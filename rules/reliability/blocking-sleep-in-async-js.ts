import { execSync, spawnSync } from 'child_process';

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export async function fetchWithRetry(url: string): Promise<Response> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      return await fetch(url);
    } catch (err) {
      // ruleid: reliability-blocking-sleep-in-async-js
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100 * 2 ** attempt);
    }
  }
  throw new Error('gave up');
}

export const warmUp = async (): Promise<void> => {
  // ruleid: reliability-blocking-sleep-in-async-js
  execSync('sleep 2');
};

export async function waitForDb(db: Db): Promise<void> {
  for (let i = 0; i < 10; i++) {
    if (await db.ping()) return;
    const until = Date.now() + 500;
    // ruleid: reliability-blocking-sleep-in-async-js
    while (Date.now() < until) {}
  }
}

export async function drain(queue: Queue): Promise<void> {
  // ruleid: reliability-blocking-sleep-in-async-js
  spawnSync('sleep', ['1']);
  await queue.close();
}

export async function fetchWithRetryAsync(url: string): Promise<Response> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      return await fetch(url);
    } catch (err) {
      // ok: reliability-blocking-sleep-in-async-js
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
  throw new Error('gave up');
}

export async function waitOnShared(view: Int32Array): Promise<void> {
  // ok: reliability-blocking-sleep-in-async-js
  await Atomics.waitAsync(view, 0, 0, 1000).value;
}

// a synchronous helper in a worker thread may block on purpose
export function workerPause(view: Int32Array): void {
  // ok: reliability-blocking-sleep-in-async-js
  Atomics.wait(view, 0, 0, 50);
}

export async function build(): Promise<string> {
  // ok: reliability-blocking-sleep-in-async-js
  return execSync('git rev-parse HEAD').toString().trim();
}
