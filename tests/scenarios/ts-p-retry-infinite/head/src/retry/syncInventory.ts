import pRetry from 'p-retry';

export interface InventoryApi {
  push(items: ReadonlyArray<{ sku: string; count: number }>): Promise<void>;
}

export async function syncInventory(
  api: InventoryApi,
  items: ReadonlyArray<{ sku: string; count: number }>,
): Promise<void> {
  await pRetry(() => api.push(items), {
    retries: Infinity,
    minTimeout: 500,
    onFailedAttempt: (error) => {
      console.warn(`inventory sync attempt ${error.attemptNumber} failed`);
    },
  });
}
