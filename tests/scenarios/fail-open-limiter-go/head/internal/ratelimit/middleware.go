// Package ratelimit limits requests per client with a Redis-backed GCRA limiter.
package ratelimit

import (
	"log"
	"net"
	"net/http"

	"github.com/go-redis/redis_rate/v10"
)

// Middleware allows perSecond requests per client address.
func Middleware(limiter *redis_rate.Limiter, perSecond int, next http.Handler) http.Handler {
	limit := redis_rate.PerSecond(perSecond)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			http.Error(w, "bad remote address", http.StatusBadRequest)
			return
		}
		res, err := limiter.Allow(r.Context(), "rl:"+host, limit)
		if err != nil {
			// Redis blips should not take the API down with them.
			log.Printf("rate limiter unavailable: %v", err)
			next.ServeHTTP(w, r)
			return
		}
		if res.Allowed == 0 {
			http.Error(w, "too many requests", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
