use tracing::{debug, info, warn};

fn call(api_token: &str, cfg: &Config, attempt: u32) {
    // ruleid: security-secret-logged-rust
    debug!("retrying with token {}", api_token);
    // ruleid: security-secret-logged-rust
    tracing::warn!("attempt {} failed, key={}", attempt, cfg.api_key);
    // ruleid: security-secret-logged-rust
    println!("using {api_token}");
    // ruleid: security-secret-logged-rust
    warn!(token = %api_token, "retrying");
    // ruleid: security-secret-logged-rust
    log::error!(
        "giving up after {} attempts with password {}",
        attempt,
        cfg.db_password
    );

    // ok: security-secret-logged-rust
    debug!("retrying with token of length {}", api_token.len());
    // ok: security-secret-logged-rust
    info!("retrying with token {}", mask(api_token));
    // ok: security-secret-logged-rust
    info!("token expired, attempt {}", attempt);
    // ok: security-secret-logged-rust
    warn!(attempt, "refreshing token");
    // ok: security-secret-logged-rust
    let header = format!("Bearer {}", api_token);
}
