package server

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

func routes(mux *http.ServeMux, db *sql.DB) {
	// ruleid: production-trivial-readiness-go
	http.HandleFunc("/ready", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
	})

	// ruleid: production-trivial-readiness-go
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("ok"))
	})

	// ruleid: production-trivial-readiness-go
	mux.HandleFunc("GET /health/ready", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ready")
	})

	// a liveness endpoint is rightly trivial
	// ok: production-trivial-readiness-go
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	})

	// ok: production-trivial-readiness-go
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := db.PingContext(r.Context()); err != nil {
			http.Error(w, "db unavailable", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

func ginRoutes(r *gin.Engine, pool *Pool) {
	// ruleid: production-trivial-readiness-go
	r.GET("/readiness", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	})

	// ruleid: production-trivial-readiness-go
	r.GET("/ready", func(c *gin.Context) {
		c.String(200, "ok")
	})

	// ok: production-trivial-readiness-go
	r.GET("/ready", func(c *gin.Context) {
		if !pool.Ready() {
			c.Status(http.StatusServiceUnavailable)
			return
		}
		c.String(http.StatusOK, "ok")
	})

	// ok: production-trivial-readiness-go
	r.GET("/livez", func(c *gin.Context) {
		c.String(http.StatusOK, "ok")
	})
}

func ginState(r *gin.Engine) {
	// ok: production-trivial-readiness-go
	r.GET("/ready", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"ready": warmedUp.Load()})
	})
}
