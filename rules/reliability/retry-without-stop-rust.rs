use std::time::Duration;

use backoff::{ExponentialBackoff, ExponentialBackoffBuilder};
use tokio_retry::strategy::{jitter, ExponentialBackoff as TokioBackoff, FixedInterval};
use tokio_retry::Retry;

async fn sync_forever(client: &Client) -> Result<(), Error> {
    let policy = ExponentialBackoff {
        // ruleid: reliability-retry-without-stop-rust
        max_elapsed_time: None,
        ..Default::default()
    };
    backoff::future::retry(policy, || async { Ok(client.sync().await?) }).await
}

fn policy_forever() -> ExponentialBackoff {
    backoff::ExponentialBackoff {
        initial_interval: Duration::from_millis(200),
        // ruleid: reliability-retry-without-stop-rust
        max_elapsed_time: None,
        multiplier: 2.0,
        ..Default::default()
    }
}

fn built_forever() -> ExponentialBackoff {
    // ruleid: reliability-retry-without-stop-rust
    ExponentialBackoffBuilder::new()
        .with_initial_interval(Duration::from_millis(100))
        .with_max_elapsed_time(None)
        .build()
}

fn mutated_forever() -> ExponentialBackoff {
    let mut b = ExponentialBackoff::default();
    // ruleid: reliability-retry-without-stop-rust
    b.max_elapsed_time = None;
    b
}

async fn tokio_retry_forever(client: &Client) -> Result<Resp, Error> {
    // ruleid: reliability-retry-without-stop-rust
    Retry::spawn(FixedInterval::from_millis(500), || client.get("/x")).await
}

async fn tokio_retry_forever_jitter(client: &Client) -> Result<Resp, Error> {
    let strategy = TokioBackoff::from_millis(10).map(jitter);
    // ruleid: reliability-retry-without-stop-rust
    Retry::spawn(strategy, || client.get("/x")).await
}

async fn sync_bounded(client: &Client) -> Result<(), Error> {
    // ok: reliability-retry-without-stop-rust
    let policy = ExponentialBackoff {
        max_elapsed_time: Some(Duration::from_secs(60)),
        ..Default::default()
    };
    backoff::future::retry(policy, || async { Ok(client.sync().await?) }).await
}

fn built_bounded() -> ExponentialBackoff {
    // ok: reliability-retry-without-stop-rust
    ExponentialBackoffBuilder::new()
        .with_max_elapsed_time(Some(Duration::from_secs(30)))
        .build()
}

async fn tokio_retry_bounded(client: &Client) -> Result<Resp, Error> {
    // ok: reliability-retry-without-stop-rust
    Retry::spawn(TokioBackoff::from_millis(10).map(jitter).take(5), || client.get("/x")).await
}

async fn tokio_retry_bounded_binding(client: &Client) -> Result<Resp, Error> {
    let strategy = FixedInterval::from_millis(100).take(3);
    // ok: reliability-retry-without-stop-rust
    Retry::spawn(strategy, || client.get("/x")).await
}

async fn tokio_retry_given(client: &Client, strategy: impl Iterator<Item = Duration>) -> Result<Resp, Error> {
    // a strategy from the caller: its bound is not visible here
    // ok: reliability-retry-without-stop-rust
    Retry::spawn(strategy, || client.get("/x")).await
}

fn documented() -> ExponentialBackoff {
    // ok: reliability-retry-without-stop-rust
    // never write max_elapsed_time: None here, it retries forever
    ExponentialBackoff::default()
}

// backoff's own tests build an endless policy on purpose (src/exponential.rs)
#[test]
fn get_elapsed_time_without_limit() {
    let backoff: ExponentialBackoff<SystemClock> = ExponentialBackoffBuilder::new()
        .with_initial_interval(initial_interval)
        // ok: reliability-retry-without-stop-rust
        .with_max_elapsed_time(None)
        .build();
    assert_eq!(backoff.max_elapsed_time, None);
}
