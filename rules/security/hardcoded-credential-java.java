import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;

class PaymentsClient {
    // ruleid: security-hardcoded-credential-java
    private static final String API_TOKEN = "ghp_4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e";
    // ruleid: security-hardcoded-credential-java
    private String clientSecret = "s3cr3t-v4lue-2024";
    // ruleid: security-hardcoded-credential-java
    static final char[] KEYSTORE_PASSWORD = "ch4ng3d!Pass".toCharArray();

    // ok: security-hardcoded-credential-java
    @Value("${payments.api-key}")
    private String apiKey;
    // ok: security-hardcoded-credential-java
    private static final String API_TOKEN_ENV = "API_TOKEN";
    // ok: security-hardcoded-credential-java
    private static final String API_KEY_HEADER = "X-API-Key";
    // ok: security-hardcoded-credential-java
    public static final String ACCESS_TOKEN = "access_token";
    // ok: security-hardcoded-credential-java
    private static final String TOKEN_PATH = "/oauth/token";
    // ok: security-hardcoded-credential-java
    private String password = System.getenv("DB_PASSWORD");
    // ok: security-hardcoded-credential-java
    private String secret = "changeme";
    // ok: security-hardcoded-credential-java
    private String token = "";

    DataSource dataSource() {
        HikariConfig config = new HikariConfig();
        config.setUsername("svc");
        // ruleid: security-hardcoded-credential-java
        config.setPassword("Pa55w0rd!");
        // ok: security-hardcoded-credential-java
        config.setPassword(System.getenv("DB_PASSWORD"));
        // ruleid: security-hardcoded-credential-java
        String dbPassword = "hunter2!";
        // ruleid: security-hardcoded-credential-java
        this.clientSecret = "an0ther-s3cret";
        Map<String, String> props = new HashMap<>();
        // ruleid: security-hardcoded-credential-java
        props.put("api_key", "AKIAIOSFODNN7EXAMPLEKEY");
        // ok: security-hardcoded-credential-java
        props.put("api_key", System.getenv("API_KEY"));
        // ok: security-hardcoded-credential-java
        props.put("grant_type", "client_credentials");
        return new HikariDataSource(config);
    }
}
