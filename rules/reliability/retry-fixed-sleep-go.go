package client

import (
	"math/rand"
	"time"
)

func fetchCounted(c *Client) (*Resp, error) {
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		resp, err := c.Get("/x")
		if err != nil {
			lastErr = err
			// ruleid: reliability-retry-fixed-sleep-go
			time.Sleep(2 * time.Second)
			continue
		}
		return resp, nil
	}
	return nil, lastErr
}

func connectCounted(c *Client) error {
	var err error
	for i := 0; i < 3; i++ {
		if err = c.Connect(); err == nil {
			return nil
		}
		// ruleid: reliability-retry-fixed-sleep-go
		time.Sleep(time.Second)
	}
	return err
}

func publish(c *Client, deadline time.Time) error {
	for time.Now().Before(deadline) {
		err := c.Publish()
		if err == nil {
			return nil
		}
		// ruleid: reliability-retry-fixed-sleep-go
		time.Sleep(500 * time.Millisecond)
	}
	return ErrTimeout
}

func fetchBackoff(c *Client) (*Resp, error) {
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		resp, err := c.Get("/x")
		if err != nil {
			lastErr = err
			// ok: reliability-retry-fixed-sleep-go
			time.Sleep(time.Duration(1<<attempt) * 100 * time.Millisecond)
			continue
		}
		return resp, nil
	}
	return nil, lastErr
}

func fetchJitter(c *Client) (*Resp, error) {
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		resp, err := c.Get("/x")
		if err == nil {
			return resp, nil
		}
		lastErr = err
		// ok: reliability-retry-fixed-sleep-go
		time.Sleep(time.Second + time.Duration(rand.Int63n(int64(time.Second))))
	}
	return nil, lastErr
}

func pollStatus(c *Client, done chan struct{}) {
	for {
		select {
		case <-done:
			return
		default:
		}
		c.Report()
		// a polling interval, not a wait after a failure
		// ok: reliability-retry-fixed-sleep-go
		time.Sleep(10 * time.Second)
	}
}

func processAll(items []Item) {
	for _, it := range items {
		if err := it.Process(); err != nil {
			log.Printf("skip %v: %v", it, err)
		}
		// pacing between distinct items, not a retry
		// ok: reliability-retry-fixed-sleep-go
		time.Sleep(100 * time.Millisecond)
	}
}
