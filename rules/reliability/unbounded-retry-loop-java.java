import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

class InventoryClient {

    Stock fetchForever(String sku) throws InterruptedException {
        // ruleid: reliability-unbounded-retry-loop-java
        while (true) {
            try {
                return http.get("/stock/" + sku);
            } catch (IOException e) {
                log.warn("fetch failed, retrying", e);
                Thread.sleep(1000);
            }
        }
    }

    void connectForever() {
        // ruleid: reliability-unbounded-retry-loop-java
        for (;;) {
            try {
                conn = pool.open();
                break;
            } catch (IOException | IllegalStateException e) {
                try {
                    TimeUnit.SECONDS.sleep(2);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    Stock retryOnStatus(String sku) throws InterruptedException {
        // the throw inside the try is caught by the loop's own catch: not an exit
        // ruleid: reliability-unbounded-retry-loop-java
        while (true) {
            try {
                Response r = http.call("/stock/" + sku);
                if (r.status() >= 500) {
                    throw new IOException("status " + r.status());
                }
                return r.body();
            } catch (IOException e) {
                Thread.sleep(500);
            }
        }
    }

    Stock fetchBounded(String sku) throws IOException, InterruptedException {
        int attempt = 0;
        // ok: reliability-unbounded-retry-loop-java
        while (true) {
            try {
                return http.get("/stock/" + sku);
            } catch (IOException e) {
                if (++attempt >= 5) {
                    throw e;
                }
                Thread.sleep(1000L * attempt);
            }
        }
    }

    Stock fetchDeadline(String sku) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        // ok: reliability-unbounded-retry-loop-java
        for (;;) {
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("gave up on " + sku);
            }
            try {
                return http.get("/stock/" + sku);
            } catch (IOException e) {
                Thread.sleep(1000);
            }
        }
    }

    Stock fetchRethrow(String sku) throws InterruptedException {
        // ok: reliability-unbounded-retry-loop-java
        while (true) {
            try {
                return http.get("/stock/" + sku);
            } catch (IOException e) {
                Thread.sleep(1000);
                throw new UncheckedIOException(e);
            }
        }
    }

    Stock fetchDeadlineAfter(String sku) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // ok: reliability-unbounded-retry-loop-java
        while (true) {
            try {
                return http.get("/stock/" + sku);
            } catch (IOException e) {
                log.warn("fetch failed", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("gave up on " + sku);
            }
            Thread.sleep(1000);
        }
    }

    void serve(ServerSocket server) {
        // an accept loop: success does not leave it
        // ok: reliability-unbounded-retry-loop-java
        while (true) {
            try {
                Socket s = server.accept();
                executor.submit(() -> handle(s));
            } catch (IOException e) {
                log.warn("accept failed", e);
                sleepQuietly(100);
            }
        }
    }
}
