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
