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

// Near misses from tower and governor (all deliberate):
impl<S> Cache<S> {
    fn poll_pending(&mut self, key: K) -> Poll<S> {
        // ok: production-unwrap-in-service-rust
        let key = this.key.take().expect("polled after complete");
        // ok: production-unwrap-in-service-rust
        let mut state = self.state.lock().unwrap();
        // ok: production-unwrap-in-service-rust
        let svc = self.service.take().unwrap();
        // ok: production-unwrap-in-service-rust
        let (_, svc) = self.services.get_ready_index(index).expect("invalid index");
        // ruleid: production-unwrap-in-service-rust
        locked.read().record(*latency).unwrap();
        Poll::Ready(svc)
    }
}

fn main() {
    // ok: production-unwrap-in-service-rust
    let cfg = Config::load().expect("config");
}

#[cfg(test)]
#[allow(clippy::needless_collect)]
mod tests {
    fn helper() {
        // ok: production-unwrap-in-service-rust
        let hits: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    }
    #[test]
    fn parses() {
        // ok: production-unwrap-in-service-rust
        let v: u32 = "1".parse().unwrap();
    }
}

