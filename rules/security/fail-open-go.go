package middleware

import (
	"log"
	"net/http"

	"github.com/gin-gonic/gin"
)

func RateLimit(limiter Limiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		allowed, err := limiter.Allow(r.Context(), r.RemoteAddr)
		if err != nil {
			log.Printf("limiter unavailable: %v", err)
			// ruleid: security-fail-open-go
			next.ServeHTTP(w, r)
			return
		}
		if !allowed {
			http.Error(w, "too many requests", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (a *Authz) IsAllowed(user, resource string) bool {
	ok, err := a.client.CheckPermission(user, resource)
	if err != nil {
		log.Printf("authz down: %v", err)
		// ruleid: security-fail-open-go
		return true
	}
	return ok
}

func (a *Authz) Authorize(token string) (bool, error) {
	if _, err := a.verifier.VerifyToken(token); err != nil {
		// ruleid: security-fail-open-go
		return true, nil
	}
	return true, nil
}

func (a *Authz) RequireAuth(token string) error {
	claims, err := a.verifier.ParseJWT(token)
	if err != nil {
		log.Printf("token check failed, allowing: %v", err)
		// ruleid: security-fail-open-go
		return nil
	}
	return claims.Valid()
}

func GinRateLimit(limiter Limiter) gin.HandlerFunc {
	return func(c *gin.Context) {
		if _, err := limiter.Take(c.ClientIP()); err != nil {
			// ruleid: security-fail-open-go
			c.Next()
			return
		}
		c.Next()
	}
}

func RateLimitClosed(limiter Limiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		allowed, err := limiter.Allow(r.Context(), r.RemoteAddr)
		if err != nil {
			log.Printf("limiter unavailable: %v", err)
			// ok: security-fail-open-go
			http.Error(w, "rate limiter unavailable", http.StatusServiceUnavailable)
			return
		}
		if !allowed {
			http.Error(w, "too many requests", http.StatusTooManyRequests)
			return
		}
		// ok: security-fail-open-go
		next.ServeHTTP(w, r)
	})
}

func (a *Authz) IsAllowedClosed(user, resource string) bool {
	ok, err := a.client.CheckPermission(user, resource)
	if err != nil {
		// ok: security-fail-open-go
		return false
	}
	return ok
}

func (a *Authz) RequireAuthClosed(token string) error {
	claims, err := a.verifier.ParseJWT(token)
	if err != nil {
		// ok: security-fail-open-go
		return fmt.Errorf("verify token: %w", err)
	}
	return claims.Valid()
}

func Logging(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := readBody(r)
		if err != nil {
			// not an access check: a logging middleware may pass the request on
			// ok: security-fail-open-go
			next.ServeHTTP(w, r)
			return
		}
		log.Printf("%s", body)
		next.ServeHTTP(w, r)
	})
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	if err != nil {
		// ok: security-fail-open-go
		return true
	}
	return true
}
