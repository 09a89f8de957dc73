import java.util.Map;
import javax.sql.DataSource;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.core.Response;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class ProbeController {
    private final DataSource dataSource;

    // ruleid: production-trivial-readiness-java
    @GetMapping("/ready")
    public String ready() {
        return "ok";
    }

    // ruleid: production-trivial-readiness-java
    @GetMapping(path = "/readyz", produces = "application/json")
    public Map<String, String> readyz() {
        return Map.of("status", "UP");
    }

    // ruleid: production-trivial-readiness-java
    @RequestMapping(value = "/health/ready")
    public ResponseEntity<Void> healthReady() {
        return ResponseEntity.ok().build();
    }

    // a liveness endpoint is rightly trivial
    // ok: production-trivial-readiness-java
    @GetMapping("/healthz")
    public String healthz() {
        return "ok";
    }

    // ok: production-trivial-readiness-java
    @GetMapping("/readiness")
    public ResponseEntity<String> readiness() {
        try (var conn = dataSource.getConnection()) {
            if (conn.isValid(1)) {
                return ResponseEntity.ok("ok");
            }
        } catch (SQLException e) {
            // fall through
        }
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body("db down");
    }

    // ok: production-trivial-readiness-java
    @GetMapping("/ready")
    public ResponseEntity<String> readyState() {
        return warmup.done() ? ResponseEntity.ok("ok") : ResponseEntity.status(503).build();
    }
}

@Path("/")
class JaxRsProbes {
    // ruleid: production-trivial-readiness-java
    @GET
    @Path("/readyz")
    public Response readyz() {
        return Response.ok("ok").build();
    }
}
