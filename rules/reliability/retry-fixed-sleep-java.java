import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

class StockClient {
    private static final long RETRY_DELAY_MS = 1000;

    Stock fetchCounted(String sku) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            try {
                return http.get("/stock/" + sku);
            } catch (IOException e) {
                last = e;
                // ruleid: reliability-retry-fixed-sleep-java
                Thread.sleep(1000);
            }
        }
        throw last;
    }

    void publish(Message m) throws InterruptedException {
        int attempts = 0;
        while (attempts < 3) {
            try {
                bus.publish(m);
                return;
            } catch (IOException e) {
                attempts++;
                // ruleid: reliability-retry-fixed-sleep-java
                Thread.sleep(RETRY_DELAY_MS);
            }
        }
    }

    Conn connect() throws InterruptedException {
        for (int i = 0; i < 10; i++) {
            try {
                return pool.open();
            } catch (IOException e) {
                // ruleid: reliability-retry-fixed-sleep-java
                TimeUnit.SECONDS.sleep(2);
            }
        }
        throw new IllegalStateException("no connection");
    }

    Stock fetchBackoff(String sku) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            try {
                return http.get("/stock/" + sku);
            } catch (IOException e) {
                last = e;
                long cap = Math.min(10_000L, 100L << attempt);
                // ok: reliability-retry-fixed-sleep-java
                Thread.sleep(ThreadLocalRandom.current().nextLong(cap));
            }
        }
        throw last;
    }

    void pollLoop() throws InterruptedException {
        while (running) {
            try {
                refresh();
            } catch (IOException e) {
                log.warn("refresh failed", e);
            }
            // a polling interval, after success and failure alike
            // ok: reliability-retry-fixed-sleep-java
            Thread.sleep(5000);
        }
    }
}
