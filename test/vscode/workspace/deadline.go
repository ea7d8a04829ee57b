package e2e

import (
	"context"
	"time"
)

func lookup(parent context.Context, key string, get func(context.Context, string) (string, error)) (string, error) {
	ctx, cancel := context.WithTimeout(parent, 2*time.Second) // want "missing-defer-cancel"
	v, err := get(ctx, key)
	if err != nil {
		return "", err
	}
	cancel()
	return v, nil
}
