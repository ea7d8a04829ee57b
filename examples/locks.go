package main

import "sync"

// Index hands out a stable number per key.
type Index struct {
	mu   sync.RWMutex
	data map[string]int
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{data: map[string]int{}}
}

// Lookup tries to upgrade its read lock: Lock waits for every reader, itself included.
func (x *Index) Lookup(k string) int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	v, ok := x.data[k]
	if !ok {
		x.mu.Lock()
		x.data[k] = len(x.data)
		v = x.data[k]
		x.mu.Unlock()
	}
	return v
}
