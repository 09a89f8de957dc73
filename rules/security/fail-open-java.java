import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

class ApiRateLimitFilter implements Filter {
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            if (!bucketService.resolveBucket(clientKey(request)).tryConsume(1)) {
                ((HttpServletResponse) response).setStatus(429);
                return;
            }
        } catch (RedisConnectionFailureException e) {
            log.warn("rate limiter unavailable, letting the request through", e);
            // ruleid: security-fail-open-java
            chain.doFilter(request, response);
            return;
        }
        chain.doFilter(request, response);
    }
}

class PermissionService {
    boolean isAllowed(String user, String resource) {
        try {
            return authzClient.check(user, resource);
        } catch (Exception e) {
            log.error("authz down", e);
            // ruleid: security-fail-open-java
            return true;
        }
    }

    public boolean tryAcquire(String key) {
        try {
            return redisLimiter.acquire(key);
        } catch (RuntimeException e) {
            // ruleid: security-fail-open-java
            return true;
        }
    }

    boolean isAllowedClosed(String user, String resource) {
        try {
            // ok: security-fail-open-java
            return true;
        } catch (Exception e) {
            log.error("authz down", e);
            // ok: security-fail-open-java
            return false;
        }
    }

    public boolean tryAcquireRethrows(String key) {
        try {
            return redisLimiter.acquire(key);
        } catch (RuntimeException e) {
            // ok: security-fail-open-java
            throw new RateLimiterUnavailableException(e);
        }
    }

    boolean isValidPort(String value) {
        try {
            Integer.parseInt(value);
        } catch (NumberFormatException e) {
            // ok: security-fail-open-java
            return true;
        }
        return false;
    }
}

class AuthFilter extends OncePerRequestFilter {
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            tokenVerifier.verify(request.getHeader("Authorization"));
        } catch (VerificationException e) {
            // ok: security-fail-open-java
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            return;
        }
        // ok: security-fail-open-java
        chain.doFilter(request, response);
    }
}

class RequestLoggingFilter implements Filter {
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            log.info("request {}", describe(request));
        } catch (RuntimeException e) {
            // not an access check
            // ok: security-fail-open-java
            chain.doFilter(request, response);
            return;
        }
        chain.doFilter(request, response);
    }
}
