package e2e

import "context"

func firstResult(ctx context.Context, work func() int) (int, error) {
	out := make(chan int) // want "leaky-unbuffered-result-channel"
	go func() {
		out <- work()
	}()
	select {
	case v := <-out:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
