package ratelimit

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/httprate"
	"golang.org/x/time/rate"
)

type IPLimiter struct {
	mu       sync.Mutex
	limiters map[string]*rate.Limiter
}

func (l *IPLimiter) GetLimiter(key string) *rate.Limiter { return nil }

func Middleware(l *IPLimiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// ruleid: security-rate-limit-spoofable-key-go
		ip := strings.Split(r.Header.Get("X-Forwarded-For"), ",")[0]
		if !l.GetLimiter(ip).Allow() {
			http.Error(w, "too many requests", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func MapMiddleware(l *IPLimiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// ruleid: security-rate-limit-spoofable-key-go
		key := r.Header.Get("X-Real-IP")
		l.mu.Lock()
		lim, ok := l.limiters[key]
		l.mu.Unlock()
		if ok && !lim.Allow() {
			http.Error(w, "too many requests", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func rateLimitKey(r *http.Request) string {
	// ruleid: security-rate-limit-spoofable-key-go
	if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
		return fwd
	}
	return r.RemoteAddr
}

func Routes() http.Handler {
	// ruleid: security-rate-limit-spoofable-key-go
	return httprate.Limit(100, time.Minute, httprate.WithKeyFuncs(httprate.KeyByRealIP))(nil)
}

func SafeMiddleware(l *IPLimiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// ok: security-rate-limit-spoofable-key-go
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		if !l.GetLimiter(host).Allow() {
			http.Error(w, "too many requests", http.StatusTooManyRequests)
			return
		}
		// not a limiter key: only logged
		// ok: security-rate-limit-spoofable-key-go
		logRequest(r.Header.Get("X-Forwarded-For"))
		next.ServeHTTP(w, r)
	})
}

func SafeRoutes() http.Handler {
	// ok: security-rate-limit-spoofable-key-go
	return httprate.Limit(100, time.Minute, httprate.WithKeyFuncs(httprate.KeyByIP))(nil)
}

func apiKeyLimit(l *IPLimiter, r *http.Request) bool {
	// ok: security-rate-limit-spoofable-key-go
	key := validatedAPIKey(r.Header.Get("X-API-Key"))
	return l.GetLimiter(key).Allow()
}

func LoggedMiddleware(l *IPLimiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := r.RemoteAddr
		// logged, while the limiter key is the peer address
		// ok: security-rate-limit-spoofable-key-go
		logRequest(r.Header.Get("X-Forwarded-For"))
		if !l.GetLimiter(ip).Allow() {
			http.Error(w, "too many requests", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// The limiter package's client-IP helper, whose result is the store key (ulule/limiter
// utils.go before 34153c3 "Do not trust forward header by default").
func GetIP(r *http.Request) net.IP {
	// ruleid: security-rate-limit-spoofable-key-go
	ip := r.Header.Get("X-Forwarded-For")
	if ip != "" {
		return net.ParseIP(strings.TrimSpace(strings.Split(ip, ",")[0]))
	}
	// ruleid: security-rate-limit-spoofable-key-go
	ip = r.Header.Get("X-Real-IP")
	if ip != "" {
		return net.ParseIP(ip)
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	return net.ParseIP(host)
}

// The fix: the headers are read only when the operator says a proxy sets them.
func GetTrustedIP(r *http.Request, trustForwardHeader bool) net.IP {
	if trustForwardHeader {
		// ok: security-rate-limit-spoofable-key-go
		ip := r.Header.Get("X-Forwarded-For")
		if ip != "" {
			return net.ParseIP(strings.TrimSpace(strings.Split(ip, ",")[0]))
		}
		// ok: security-rate-limit-spoofable-key-go
		ip = r.Header.Get("X-Real-IP")
		if ip != "" {
			return net.ParseIP(ip)
		}
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	return net.ParseIP(host)
}

// goiabada #87: the limiter type's methods key on a client-IP helper of the same file
type RateLimiterMiddleware struct{ dcrLimiter *Limiter }

func (m *RateLimiterMiddleware) LimitDCR(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m.dcrLimiter.RespondOnLimit(w, r, getClientIPFromRequest(r)) {
			return
		}
		next.ServeHTTP(w, r)
	})
}

func getClientIPFromRequest(r *http.Request) string {
	// ruleid: security-rate-limit-spoofable-key-go
	if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
		return strings.TrimSpace(strings.Split(xff, ",")[0])
	}
	return r.RemoteAddr
}

func trustedClientIPFromRequest(r *http.Request) string {
	if trustProxyHeaders {
		// ok: security-rate-limit-spoofable-key-go
		return r.Header.Get("X-Real-IP")
	}
	return r.RemoteAddr
}
