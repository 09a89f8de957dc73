package health

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"

	"github.com/gin-gonic/gin"
	"github.com/spf13/viper"
)

func Register(mux *http.ServeMux, r *gin.Engine) {
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, req *http.Request) {
		// ruleid: security-health-exposes-config-go
		json.NewEncoder(w).Encode(map[string]any{"status": "ok", "env": os.Environ()})
	})
	r.GET("/debug/config", func(c *gin.Context) {
		// ruleid: security-health-exposes-config-go
		c.JSON(http.StatusOK, viper.AllSettings())
	})
	r.GET("/orders", func(c *gin.Context) {
		// ok: security-health-exposes-config-go
		c.JSON(http.StatusOK, gin.H{"env": os.Environ()})
	})
}

func StatusHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	// ruleid: security-health-exposes-config-go
	_ = json.NewEncoder(w).Encode(os.Environ())
}

func HealthHandler(w http.ResponseWriter, r *http.Request) {
	// ok: security-health-exposes-config-go
	json.NewEncoder(w).Encode(map[string]any{"status": "ok", "region_set": os.Getenv("REGION") != ""})
}

func ReadinessHandler(w http.ResponseWriter, r *http.Request) {
	cmd := exec.Command("/usr/local/bin/check-db")
	// the child process inherits the environment; nothing is returned
	// ok: security-health-exposes-config-go
	cmd.Env = os.Environ()
	if err := cmd.Run(); err != nil {
		http.Error(w, "db not ready", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}
