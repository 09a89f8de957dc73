import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class StatusController {
    @GetMapping("/health")
    Map<String, Object> health() {
        // ruleid: security-health-exposes-config-java
        return Map.of("status", "UP", "env", System.getenv());
    }

    @GetMapping(path = "/debug/env")
    Map<String, String> env() {
        // ruleid: security-health-exposes-config-java
        return System.getenv();
    }

    @RequestMapping(value = "/info", method = RequestMethod.GET)
    Object info() {
        // ruleid: security-health-exposes-config-java
        return System.getProperties();
    }

    @GetMapping("/healthz")
    Map<String, Object> healthz() {
        // ok: security-health-exposes-config-java
        return Map.of("status", "UP", "region", System.getenv("REGION"));
    }

    @GetMapping("/orders")
    Map<String, String> orders() {
        // ok: security-health-exposes-config-java
        return System.getenv();
    }
}
