import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import dev.failsafe.RetryPolicy;
import java.time.Duration;
import org.springframework.retry.annotation.Backoff;
import org.springframework.retry.annotation.Retryable;
import org.springframework.retry.policy.AlwaysRetryPolicy;
import org.springframework.retry.support.RetryTemplate;

class PaymentsClient {

    // ruleid: reliability-retry-without-stop-java
    RetryConfig forever = RetryConfig.custom()
        .maxAttempts(Integer.MAX_VALUE)
        .waitDuration(Duration.ofSeconds(1))
        .build();

    // ok: reliability-retry-without-stop-java
    RetryConfig bounded = RetryConfig.custom()
        .maxAttempts(5)
        .waitDuration(Duration.ofSeconds(1))
        .build();

    // ruleid: reliability-retry-without-stop-java
    RetryPolicy<Object> failsafeForever = RetryPolicy.builder().withMaxRetries(-1).build();

    // ok: reliability-retry-without-stop-java
    RetryPolicy<Object> failsafeBounded = RetryPolicy.builder().withMaxRetries(3).build();

    // ruleid: reliability-retry-without-stop-java
    RetryTemplate template = RetryTemplate.builder().infiniteRetry().fixedBackoff(1000).build();

    // ok: reliability-retry-without-stop-java
    RetryTemplate boundedTemplate = RetryTemplate.builder().maxAttempts(4).exponentialBackoff(100, 2, 5000).build();

    RetryTemplate always() {
        RetryTemplate t = new RetryTemplate();
        // ruleid: reliability-retry-without-stop-java
        t.setRetryPolicy(new AlwaysRetryPolicy());
        return t;
    }

    // ruleid: reliability-retry-without-stop-java
    @Retryable(retryFor = IOException.class, maxAttempts = Integer.MAX_VALUE, backoff = @Backoff(delay = 1000))
    public Receipt charge(Order order) throws IOException {
        return gateway.charge(order);
    }

    // ok: reliability-retry-without-stop-java
    @Retryable(retryFor = IOException.class, maxAttempts = 4, backoff = @Backoff(delay = 1000, multiplier = 2))
    Receipt refund(Order order) throws IOException {
        return gateway.refund(order);
    }
}
