use std::collections::HashMap;
use std::env;

use axum::{routing::get, Json, Router};
use serde_json::{json, Value};

async fn health() -> Json<Value> {
    // ruleid: security-health-exposes-config-rust
    let vars: HashMap<String, String> = env::vars().collect();
    Json(json!({ "status": "ok", "env": vars }))
}

async fn debug_env() -> Json<HashMap<String, String>> {
    // ruleid: security-health-exposes-config-rust
    Json(std::env::vars().collect())
}

async fn readyz() -> Json<Value> {
    // ok: security-health-exposes-config-rust
    Json(json!({ "ready": true, "region_set": env::var("REGION").is_ok() }))
}

fn spawn_checker() {
    // not a handler: the child inherits the environment
    // ok: security-health-exposes-config-rust
    let vars: Vec<(String, String)> = env::vars().collect();
    run_child(vars);
}

pub fn routes() -> Router {
    Router::new().route("/health", get(health)).route("/debug/env", get(debug_env))
}
