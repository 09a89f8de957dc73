package config

import "os"

// ruleid: security-hardcoded-credential-go
const APIToken = "ghp_4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e"

const (
	region = "eu-west-1"
	// ruleid: security-hardcoded-credential-go
	dbPassword = "hunter2!"
)

// ruleid: security-hardcoded-credential-go
var clientSecret = "s3cr3t-v4lue-2024"

// ruleid: security-hardcoded-credential-go
var privateKey string = `MIIEvQIBADANBgkqhkiG9w0BAQEFAASC`

type Config struct {
	APIKey   string
	Password string
}

func defaults() Config {
	// ruleid: security-hardcoded-credential-go
	apiKey := "AKIAIOSFODNN7EXAMPLEKEY"
	cfg := Config{
		// ruleid: security-hardcoded-credential-go
		Password: "Pa55w0rd!",
		APIKey:   apiKey,
	}
	// ruleid: security-hardcoded-credential-go
	cfg.APIKey = "sk_live_51HxQ2eKz9"
	// ruleid: security-hardcoded-credential-go
	creds := map[string]string{"access_key": "AKIA1234567890ABCD"}
	_ = creds
	return cfg
}

// ok: security-hardcoded-credential-go
const APITokenEnv = "API_TOKEN"

// ok: security-hardcoded-credential-go
const apiKeyHeader = "X-API-Key"

// ok: security-hardcoded-credential-go
const tokenHeader = "Authorization"

// ok: security-hardcoded-credential-go
const (
	// ok: security-hardcoded-credential-go
	TokenType = "Bearer"
	// ok: security-hardcoded-credential-go
	paramClientSecret = "client_secret"
	// ok: security-hardcoded-credential-go
	passwordFormKey = "password"
	// ok: security-hardcoded-credential-go
	tokenEndpoint = "/oauth/token"
	// ok: security-hardcoded-credential-go
	authToken = "${AUTH_TOKEN}"
	// ok: security-hardcoded-credential-go
	secret = "changeme"
	// ok: security-hardcoded-credential-go
	apiToken = "<your-token>"
	// ok: security-hardcoded-credential-go
	bearerToken = "********"
	// ok: security-hardcoded-credential-go
	accessToken = "access_token"
)

func fromEnv() Config {
	// ok: security-hardcoded-credential-go
	password := os.Getenv("DB_PASSWORD")
	// ok: security-hardcoded-credential-go
	token := ""
	// ok: security-hardcoded-credential-go
	errInvalidToken := "invalid token: %s"
	_, _ = token, errInvalidToken
	// ok: security-hardcoded-credential-go
	return Config{Password: password, APIKey: os.Getenv("API_KEY")}
}

// ok: security-hardcoded-credential-go
var tokenURL = "https://auth.example.com/oauth/token"
