use std::thread;
use std::time::{Duration, Instant};

fn connect_forever(addr: &str) -> Conn {
    // ruleid: reliability-unbounded-retry-loop-rust
    loop {
        match Conn::open(addr) {
            Ok(c) => return c,
            Err(e) => {
                eprintln!("connect failed: {e:?}");
                thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

async fn fetch_forever(client: &Client) -> Resp {
    // ruleid: reliability-unbounded-retry-loop-rust
    loop {
        match client.get("/x").await {
            Ok(r) => break r,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        }
    }
}

async fn publish_forever(bus: &Bus, msg: &Msg) {
    // ruleid: reliability-unbounded-retry-loop-rust
    loop {
        match bus.publish(msg).await {
            Ok(()) => {
                tracing::info!("published");
                break;
            }
            Err(e) => tracing::warn!(error = %e, "publish failed, retrying"),
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

fn bounded(addr: &str) -> Result<Conn, Error> {
    let mut attempt = 0;
    // ok: reliability-unbounded-retry-loop-rust
    loop {
        match Conn::open(addr) {
            Ok(c) => return Ok(c),
            Err(e) => {
                attempt += 1;
                if attempt >= 5 {
                    return Err(e);
                }
                thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

fn bounded_counter_outside(addr: &str) -> Result<Conn, Error> {
    let mut attempts = 0;
    // ok: reliability-unbounded-retry-loop-rust
    loop {
        attempts += 1;
        match Conn::open(addr) {
            Ok(c) => return Ok(c),
            Err(e) => {
                eprintln!("attempt {attempts} failed: {e}");
                thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

async fn with_deadline(client: &Client) -> Result<Resp, Error> {
    let start = Instant::now();
    // ok: reliability-unbounded-retry-loop-rust
    loop {
        if start.elapsed() > Duration::from_secs(30) {
            return Err(Error::Timeout);
        }
        match client.get("/x").await {
            Ok(r) => return Ok(r),
            Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
}

fn gives_up_on_error(addr: &str) -> Result<Conn, Error> {
    // ok: reliability-unbounded-retry-loop-rust
    loop {
        match Conn::open(addr) {
            Ok(c) => return Ok(c),
            Err(e) => {
                thread::sleep(Duration::from_secs(1));
                probe(addr)?;
            }
        }
    }
}

fn accept_loop(listener: &TcpListener) {
    // a server loop: success does not leave it
    // ok: reliability-unbounded-retry-loop-rust
    loop {
        match listener.accept() {
            Ok((sock, _)) => spawn_handler(sock),
            Err(e) => {
                eprintln!("accept failed: {e}");
                thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

async fn poller(queue: &Queue) {
    // ok: reliability-unbounded-retry-loop-rust
    loop {
        match queue.pop().await {
            Ok(job) => job.run().await,
            Err(e) => tracing::warn!("pop failed: {e}"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
