package client

import (
	"fmt"
	"log"
	"log/slog"
	"net/http"

	"go.uber.org/zap"
)

func call(apiToken string, cfg Config, req *http.Request, logger *zap.Logger, attempt int) error {
	// ruleid: security-secret-logged-go
	log.Printf("retrying with token %s", apiToken)
	// ruleid: security-secret-logged-go
	slog.Info("retry", "attempt", attempt, "key", cfg.APIKey)
	// ruleid: security-secret-logged-go
	logger.Warn("retry", zap.String("password", cfg.DBPassword))
	// ruleid: security-secret-logged-go
	log.Println("request headers", req.Header)
	// ruleid: security-secret-logged-go
	log.Printf("auth %s", req.Header.Get("Authorization"))
	if attempt > 3 {
		// ruleid: security-secret-logged-go
		return fmt.Errorf("giving up with secret %s", cfg.ClientSecret)
	}

	// ok: security-secret-logged-go
	log.Printf("retrying with token of length %d", len(apiToken))
	// ok: security-secret-logged-go
	slog.Info("retry", "attempt", attempt, "key", mask(cfg.APIKey))
	// ok: security-secret-logged-go
	log.Printf("content type %s", req.Header.Get("Content-Type"))
	// ok: security-secret-logged-go
	req.Header.Set("Authorization", fmt.Sprintf("Bearer %s", apiToken))
	// ok: security-secret-logged-go
	logger.Info("token refreshed", zap.Int("attempt", attempt))
	// a header's or a field's NAME is not its value
	// ok: security-secret-logged-go
	log.Printf("missing %s header", echo.HeaderAuthorization)
	// ok: security-secret-logged-go
	log.Printf("missing %s header", headers.Authorization)
	// ok: security-secret-logged-go
	logger.Warnf("empty %s field", passwordFieldName)
	// ruleid: security-secret-logged-go
	log.Printf("using %s", creds.Password)
	// ruleid: security-secret-logged-go
	log.Printf("header token %s", headerToken)
	return nil
}
