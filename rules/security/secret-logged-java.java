import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class TokenClient {
    private static final Logger log = LoggerFactory.getLogger(TokenClient.class);

    void call(String apiToken, Config cfg, int attempt) {
        // ruleid: security-secret-logged-java
        log.debug("retrying with token {}", apiToken);
        // ruleid: security-secret-logged-java
        log.warn("attempt {} failed, key={}", attempt, cfg.getApiKey());
        // ruleid: security-secret-logged-java
        System.out.println("password: " + cfg.password);
        // ruleid: security-secret-logged-java
        throw new IllegalStateException("token " + apiToken + " rejected");
    }

    void ok(String apiToken, Config cfg, int attempt) {
        // ok: security-secret-logged-java
        log.debug("retrying with token of length {}", apiToken.length());
        // ok: security-secret-logged-java
        log.warn("attempt {} failed, key={}", attempt, mask(cfg.getApiKey()));
        // ok: security-secret-logged-java
        log.info("token refreshed after {} attempts", attempt);
        // ok: security-secret-logged-java
        request.setHeader("Authorization", "Bearer " + apiToken);
        // a header's or a field's NAME is not its value
        // ok: security-secret-logged-java
        log.warn("missing {} header", HttpHeaders.AUTHORIZATION);
        // ok: security-secret-logged-java
        log.warn("missing header " + HEADER_AUTHORIZATION);
        // ok: security-secret-logged-java
        log.debug("empty {}", PASSWORD_FIELD_NAME);
        // ruleid: security-secret-logged-java
        log.debug("header token {}", headerToken);
    }
}
