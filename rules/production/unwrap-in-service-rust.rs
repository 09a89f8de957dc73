async fn handle(req: Request, pool: &Pool) -> Result<Response, Error> {
    // ruleid: production-unwrap-in-service-rust
    let conn = pool.get().await.unwrap();
    // ruleid: production-unwrap-in-service-rust
    let body: Order = serde_json::from_slice(&req.body).expect("valid json");
    // ok: production-unwrap-in-service-rust
    let id = req.param("id").ok_or(Error::BadRequest)?;
    // ok: production-unwrap-in-service-rust
    let n = req.header("x-n").and_then(|v| v.parse().ok()).unwrap_or(1);
    Ok(Response::ok())
}

// tower-buffer/src/lib.rs before 7b61c1fc: a refused spawn panicked the caller instead
// of returning the spawn error.
impl<T, Request> Buffer<T, Request> {
    pub fn with_executor<E: Executor>(service: T, bound: usize, executor: &E) -> Self {
        let (tx, rx) = mpsc::channel(bound);
        let worker = Worker { service, rx };
        // ruleid: production-unwrap-in-service-rust
        executor.execute(worker).ok().unwrap();
        Buffer { tx }
    }
}

fn main() {
    // ok: production-unwrap-in-service-rust
    let cfg = Config::load().expect("config");
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses() {
        // ok: production-unwrap-in-service-rust
        let v: u32 = "1".parse().unwrap();
    }
}
