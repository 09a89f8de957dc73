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

// the limiter's own client-IP helper: its result is the bucket key (Eventra 2d4b119e)
public class RateLimitingFilter extends OncePerRequestFilter {
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain) {
        String clientIp = resolveClientIp(request);
        if (!rateLimitService.tryConsume(clientIp)) {
            response.setStatus(429);
            return;
        }
        chain.doFilter(request, response);
    }

    private String resolveClientIp(HttpServletRequest request) {
        // ruleid: security-rate-limit-spoofable-key-java
        String forwardedFor = request.getHeader("X-Forwarded-For");
        if (forwardedFor != null && !forwardedFor.isEmpty()) {
            return forwardedFor.split(",")[0].trim();
        }
        return request.getRemoteAddr();
    }

    private String hopCountedClientIp(HttpServletRequest request) {
        // ok: security-rate-limit-spoofable-key-java
        String forwarded = request.getHeader("X-Forwarded-For");
        if (StringUtils.hasText(forwarded)) {
            String[] parts = forwarded.split(",");
            int clientIndex = Math.max(0, parts.length - 1 - trustedProxyHops);
            return parts[clientIndex].trim();
        }
        return request.getRemoteAddr();
    }

    private String trustedClientIp(HttpServletRequest request) {
        if (trustedProxies.contains(request.getRemoteAddr())) {
            // ok: security-rate-limit-spoofable-key-java
            String forwarded = request.getHeader("X-Forwarded-For");
            return forwarded.split(",")[forwarded.split(",").length - 1].trim();
        }
        return request.getRemoteAddr();
    }
}

// a client-IP helper outside any limiter (audit logging): not a limiter key
class AuditLog {
    private String clientIp(HttpServletRequest request) {
        // ok: security-rate-limit-spoofable-key-java
        return request.getHeader("X-Forwarded-For");
    }
}
