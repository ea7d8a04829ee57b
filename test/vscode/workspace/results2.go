package e2e

import (
	"context"
	"time"
)

// slowest gives up after a second, but then its worker's send blocks forever.
func slowest(parent context.Context, work func() string) string {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want "missing-defer-cancel"
	done := make(chan string) // want "leaky-unbuffered-result-channel"
	go func() { done <- work() }()
	select {
	case s := <-done:
		return s
	case <-ctx.Done():
		return ""
	}
	cancel()
	return ""
}
