package retry

import (
	"log"
	"net/http"
	"time"
)

// Do sends req, retrying transient failures with exponential backoff.
func Do(client *http.Client, req *http.Request, apiToken string, attempts int) (*http.Response, error) {
	var lastErr error
	for attempt := 1; attempt <= attempts; attempt++ {
		req.Header.Set("Authorization", "Bearer "+apiToken)
		resp, err := client.Do(req)
		if err == nil && resp.StatusCode < 500 {
			return resp, nil
		}
		lastErr = err
		log.Printf("request failed (attempt %d), token=%s: %v", attempt, apiToken, err)
		time.Sleep(time.Duration(1<<attempt) * 100 * time.Millisecond)
	}
	return nil, lastErr
}
