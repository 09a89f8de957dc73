use std::env;

// ruleid: security-hardcoded-credential-rust
const API_TOKEN: &str = "ghp_4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e";
// ruleid: security-hardcoded-credential-rust
static CLIENT_SECRET: &str = "s3cr3t-v4lue-2024";

struct Config {
    api_key: String,
    password: String,
}

fn defaults() -> Config {
    // ruleid: security-hardcoded-credential-rust
    let db_password = "hunter2!";
    Config {
        // ruleid: security-hardcoded-credential-rust
        api_key: "AKIAIOSFODNN7EXAMPLEKEY".to_string(),
        // ruleid: security-hardcoded-credential-rust
        password: String::from("Pa55w0rd!"),
    }
}

fn from_env() -> Config {
    // ok: security-hardcoded-credential-rust
    const API_TOKEN_ENV: &str = "API_TOKEN";
    // ok: security-hardcoded-credential-rust
    const API_KEY_HEADER: &str = "x-api-key";
    // ok: security-hardcoded-credential-rust
    let token = "";
    // ok: security-hardcoded-credential-rust
    let secret = "changeme";
    // ok: security-hardcoded-credential-rust
    let access_token = "access_token";
    Config {
        // ok: security-hardcoded-credential-rust
        api_key: env::var("API_KEY").expect("API_KEY is required"),
        // ok: security-hardcoded-credential-rust
        password: env::var("DB_PASSWORD").unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_client() {
        // ok: security-hardcoded-credential-rust
        let api_token = "tok_9f8e7d6c5b4a3928";
        assert!(!api_token.is_empty());
    }
}
