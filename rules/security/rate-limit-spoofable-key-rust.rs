use std::sync::Arc;

use tower_governor::{
    governor::GovernorConfigBuilder,
    key_extractor::{PeerIpKeyExtractor, SmartIpKeyExtractor},
    GovernorLayer,
};

fn limiter_layer() -> GovernorLayer {
    let config = GovernorConfigBuilder::default()
        .per_second(2)
        .burst_size(5)
        // ruleid: security-rate-limit-spoofable-key-rust
        .key_extractor(SmartIpKeyExtractor)
        .finish()
        .unwrap();
    GovernorLayer { config: Arc::new(config) }
}

fn safe_layer() -> GovernorLayer {
    let config = GovernorConfigBuilder::default()
        .per_second(2)
        .burst_size(5)
        // ok: security-rate-limit-spoofable-key-rust
        .key_extractor(PeerIpKeyExtractor)
        .finish()
        .unwrap();
    GovernorLayer { config: Arc::new(config) }
}

async fn check(limiter: &KeyedLimiter, headers: &HeaderMap) -> bool {
    // ruleid: security-rate-limit-spoofable-key-rust
    let ip = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()).unwrap_or("unknown");
    limiter.check_key(&ip.to_string()).is_ok()
}

async fn check_peer(limiter: &KeyedLimiter, addr: SocketAddr, headers: &HeaderMap) -> bool {
    // not a limiter key: only logged
    // ok: security-rate-limit-spoofable-key-rust
    tracing::debug!(forwarded = ?headers.get("x-forwarded-for"), "request");
    limiter.check_key(&addr.ip()).is_ok()
}
