package e2e

import "sync"

// Counter is shared between goroutines; its lock must never be copied.
type Counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *Counter) Inc(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[k]++
}
