use std::thread;
use std::time::Duration;

async fn fetch_with_retry(client: &Client) -> Result<Resp, Error> {
    for attempt in 0..5 {
        match client.get("/x").await {
            Ok(r) => return Ok(r),
            Err(_) => {
                // ruleid: reliability-blocking-sleep-in-async-rust
                thread::sleep(Duration::from_millis(100 << attempt));
            }
        }
    }
    Err(Error::GaveUp)
}

async fn warm_up() {
    // ruleid: reliability-blocking-sleep-in-async-rust
    std::thread::sleep(Duration::from_secs(1));
}

fn spawn_poller(rt: &tokio::runtime::Handle) {
    rt.spawn(async move {
        loop {
            poll_once().await;
            // ruleid: reliability-blocking-sleep-in-async-rust
            std::thread::sleep(Duration::from_secs(5));
        }
    });
}

impl Worker {
    pub async fn drain(&self) {
        self.stop();
        // ruleid: reliability-blocking-sleep-in-async-rust
        thread::sleep(Duration::from_millis(250));
    }
}

async fn fetch_async_sleep(client: &Client) -> Result<Resp, Error> {
    for attempt in 0..5 {
        if let Ok(r) = client.get("/x").await {
            return Ok(r);
        }
        // ok: reliability-blocking-sleep-in-async-rust
        tokio::time::sleep(Duration::from_millis(100 << attempt)).await;
    }
    Err(Error::GaveUp)
}

fn sync_retry(client: &BlockingClient) -> Result<Resp, Error> {
    for attempt in 0..5 {
        if let Ok(r) = client.get("/x") {
            return Ok(r);
        }
        // ok: reliability-blocking-sleep-in-async-rust
        thread::sleep(Duration::from_millis(100 << attempt));
    }
    Err(Error::GaveUp)
}

async fn offload() -> Result<(), Error> {
    tokio::task::spawn_blocking(|| {
        // on a blocking-pool thread, sleeping is allowed
        // ok: reliability-blocking-sleep-in-async-rust
        std::thread::sleep(Duration::from_secs(1));
    })
    .await?;
    thread::spawn(move || {
        // ok: reliability-blocking-sleep-in-async-rust
        thread::sleep(Duration::from_secs(1));
    });
    Ok(())
}
