import io.github.bucket4j.Bucket;
import jakarta.servlet.http.HttpServletRequest;

class RateLimitInterceptor implements HandlerInterceptor {
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        // ruleid: security-rate-limit-spoofable-key-java
        String ip = request.getHeader("X-Forwarded-For");
        Bucket bucket = bucketService.resolveBucket(ip);
        if (!bucket.tryConsume(1)) {
            response.setStatus(429);
            return false;
        }
        return true;
    }

    public boolean preHandleInline(HttpServletRequest request, HttpServletResponse response, Object handler) {
        // ruleid: security-rate-limit-spoofable-key-java
        return rateLimiter.tryAcquire(request.getHeader("X-Real-IP"));
    }

    private String rateLimitKey(HttpServletRequest request) {
        // ruleid: security-rate-limit-spoofable-key-java
        String forwarded = request.getHeader("X-Forwarded-For");
        return forwarded != null ? forwarded.split(",")[0] : request.getRemoteAddr();
    }

    public boolean preHandleSafe(HttpServletRequest request, HttpServletResponse response, Object handler) {
        // ok: security-rate-limit-spoofable-key-java
        Bucket bucket = bucketService.resolveBucket(request.getRemoteAddr());
        // not a limiter key: only logged
        // ok: security-rate-limit-spoofable-key-java
        log.info("forwarded for {}", request.getHeader("X-Forwarded-For"));
        return bucket.tryConsume(1);
    }

    public boolean preHandleApiKey(HttpServletRequest request, HttpServletResponse response, Object handler) {
        // ok: security-rate-limit-spoofable-key-java
        String client = apiKeys.verify(request.getHeader("X-API-Key"));
        return bucketService.resolveBucket(client).tryConsume(1);
    }
}
