package client

import (
	"context"
	"time"

	retry "github.com/avast/retry-go/v4"
	"github.com/cenkalti/backoff/v4"
)

func syncForever(op func() error) error {
	b := backoff.NewExponentialBackOff()
	// ruleid: reliability-retry-without-stop-go
	b.MaxElapsedTime = 0
	return backoff.Retry(op, b)
}

func syncForeverOption(op func() error) error {
	// ruleid: reliability-retry-without-stop-go
	return backoff.Retry(op, backoff.NewExponentialBackOff(backoff.WithMaxElapsedTime(0)))
}

func syncForeverLiteral(op func() error) error {
	// ruleid: reliability-retry-without-stop-go
	b := &backoff.ExponentialBackOff{InitialInterval: time.Second, MaxElapsedTime: 0, Multiplier: 2}
	return backoff.Retry(op, b)
}

func syncForeverConstant(op func() error) error {
	// ruleid: reliability-retry-without-stop-go
	return backoff.Retry(op, backoff.NewConstantBackOff(time.Second))
}

func pushForever(ctx context.Context, push func() error) error {
	// ruleid: reliability-retry-without-stop-go
	return retry.Do(push, retry.Attempts(0), retry.Delay(time.Second))
}

func pushUntilSucceeded(push func() error) error {
	// ruleid: reliability-retry-without-stop-go
	return retry.Do(push, retry.UntilSucceeded())
}

func syncBounded(op func() error) error {
	b := backoff.NewExponentialBackOff()
	// ok: reliability-retry-without-stop-go
	b.MaxElapsedTime = 2 * time.Minute
	return backoff.Retry(op, b)
}

func syncBoundedOption(op func() error) error {
	// ok: reliability-retry-without-stop-go
	return backoff.Retry(op, backoff.NewExponentialBackOff(backoff.WithMaxElapsedTime(time.Minute)))
}

func syncConstantCapped(ctx context.Context, op func() error) error {
	// ok: reliability-retry-without-stop-go
	return backoff.Retry(op, backoff.WithMaxRetries(backoff.NewConstantBackOff(time.Second), 5))
}

func pushBounded(push func() error) error {
	// ok: reliability-retry-without-stop-go
	return retry.Do(push, retry.Attempts(5), retry.Delay(time.Second))
}

func syncConfigured(op func() error, budget time.Duration) error {
	b := backoff.NewExponentialBackOff()
	// ok: reliability-retry-without-stop-go
	b.MaxElapsedTime = budget
	return backoff.Retry(op, b)
}
