use axum::{extract::Request, http::StatusCode, middleware::Next, response::Response};

async fn is_allowed(authz: &AuthzClient, user: &str, resource: &str) -> bool {
    // ruleid: security-fail-open-rust
    authz.check_permission(user, resource).await.unwrap_or(true)
}

fn allow_request(limiter: &RedisLimiter, key: &str) -> bool {
    match limiter.check_key(key) {
        Ok(allowed) => allowed,
        // ruleid: security-fail-open-rust
        Err(err) => {
            tracing::warn!(%err, "limiter unavailable");
            true
        }
    }
}

async fn rate_limit(req: Request, next: Next) -> Result<Response, StatusCode> {
    match LIMITER.check_key(&client_key(&req)).await {
        Ok(true) => Ok(next.run(req).await),
        Ok(false) => Err(StatusCode::TOO_MANY_REQUESTS),
        // ruleid: security-fail-open-rust
        Err(_) => Ok(next.run(req).await),
    }
}

fn verify(verifier: &Verifier, token: &str) -> bool {
    // ruleid: security-fail-open-rust
    verifier.verify_token(token).unwrap_or_else(|_| true)
}

async fn is_allowed_closed(authz: &AuthzClient, user: &str, resource: &str) -> bool {
    // ok: security-fail-open-rust
    authz.check_permission(user, resource).await.unwrap_or(false)
}

async fn rate_limit_closed(req: Request, next: Next) -> Result<Response, StatusCode> {
    match LIMITER.check_key(&client_key(&req)).await {
        // ok: security-fail-open-rust
        Ok(true) => Ok(next.run(req).await),
        Ok(false) => Err(StatusCode::TOO_MANY_REQUESTS),
        // ok: security-fail-open-rust
        Err(_) => Err(StatusCode::SERVICE_UNAVAILABLE),
    }
}

fn feature_enabled(flags: &Flags) -> bool {
    // ok: security-fail-open-rust
    flags.lookup("new-ui").unwrap_or(true)
}
