package client

import (
	"context"
	"time"
)

func fetchForever(c *Client) *Resp {
	// ruleid: reliability-unbounded-retry-loop-go
	for {
		resp, err := c.Get("/x")
		if err == nil {
			return resp
		}
		log.Printf("fetch failed: %v", err)
		time.Sleep(time.Second)
	}
}

func connectForever(c *Client) {
	// ruleid: reliability-unbounded-retry-loop-go
	for {
		if err := c.Connect(); err != nil {
			time.Sleep(2 * time.Second)
			continue
		}
		break
	}
}

func fetchBounded(c *Client) (*Resp, error) {
	attempt := 0
	// ok: reliability-unbounded-retry-loop-go
	for {
		resp, err := c.Get("/x")
		if err == nil {
			return resp, nil
		}
		attempt++
		if attempt >= 5 {
			return nil, err
		}
		time.Sleep(time.Duration(attempt) * time.Second)
	}
}

func fetchCtx(ctx context.Context, c *Client) (*Resp, error) {
	// ok: reliability-unbounded-retry-loop-go
	for {
		resp, err := c.Get("/x")
		if err == nil {
			return resp, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func serve(l Listener) {
	// ok: reliability-unbounded-retry-loop-go
	for {
		conn, err := l.Accept()
		if err != nil {
			continue
		}
		go handle(conn)
	}
}

// avast/retry-go retry.go before ab4b600: "attempts 0" retried until success and
// ignored its context while waiting.
func doUntilSuccess(config *Config, retryableFunc func() error) error {
	var n uint
	// ruleid: reliability-unbounded-retry-loop-go
	for err := retryableFunc(); err != nil; err = retryableFunc() {
		n++
		config.onRetry(n, err)
		<-time.After(delay(config, n, err))
	}
	return nil
}

// The fix: the wait also listens to the context, which ends the loop.
func doUntilSuccessOrDone(config *Config, retryableFunc func() error) error {
	var n uint
	// ok: reliability-unbounded-retry-loop-go
	for err := retryableFunc(); err != nil; err = retryableFunc() {
		n++
		config.onRetry(n, err)
		select {
		case <-config.context.Done():
			return config.context.Err()
		case <-time.After(delay(config, n, err)):
		}
	}
	return nil
}

// A give-up predicate returns: bounded.
func doWhileRetryable(retryableFunc func() error) error {
	// ok: reliability-unbounded-retry-loop-go
	for err := retryableFunc(); err != nil; err = retryableFunc() {
		if !isRetryable(err) {
			return err
		}
		time.Sleep(time.Second)
	}
	return nil
}

// Near misses: loops a stop sentinel or a give-up predicate ends.
func fetchUntilStop(c *Client, b backoff.BackOff) (*Resp, error) {
	// ok: reliability-unbounded-retry-loop-go
	for {
		resp, err := c.Get("/x")
		if err == nil {
			return resp, nil
		}
		next := b.NextBackOff()
		if next == backoff.Stop {
			return nil, err
		}
		time.Sleep(next)
	}
}

func fetchWhileRetryable(c *Client) (*Resp, error) {
	// ok: reliability-unbounded-retry-loop-go
	for {
		resp, err := c.Get("/x")
		if err == nil {
			return resp, nil
		}
		if !isRetryable(err) {
			return nil, err
		}
		time.Sleep(time.Second)
	}
}

func connectUntilPermanent(c *Client) error {
	// ok: reliability-unbounded-retry-loop-go
	for {
		if err := c.Connect(); err != nil {
			var perm *PermanentError
			if errors.As(err, &perm) {
				return perm.Err
			}
			time.Sleep(2 * time.Second)
			continue
		}
		return nil
	}
}

// cenkalti/backoff retry.go, inside package backoff: the sentinel is bare `Stop`.
func RetryNotify(operation Operation, b BackOff, notify Notify) error {
	var err error
	var next time.Duration
	b.Reset()
	// ok: reliability-unbounded-retry-loop-go
	for {
		if err = operation(); err == nil {
			return nil
		}
		if next = b.NextBackOff(); next == Stop {
			return err
		}
		time.Sleep(next)
	}
}
