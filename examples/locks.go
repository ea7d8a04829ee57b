package main

import (
	"errors"
	"net"
	"sync"
)

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

// Counters tracks lookups per key.
type Counters struct {
	mu     sync.RWMutex
	values map[string]int
	reads  map[string]int
}

// Value counts the read under the read lock: concurrent readers write the map at once.
func (c *Counters) Value(k string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	c.reads[k]++
	return c.values[k]
}

// Journal records entries and streams them to a consumer.
type Journal struct {
	mu      sync.Mutex
	entries []string
	events  chan string
}

// Add sends while holding the lock that Run needs before it receives again.
func (j *Journal) Add(e string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries = append(j.entries, e)
	j.events <- e
}

// Run consumes events.
func (j *Journal) Run() {
	for e := range j.events {
		j.mu.Lock()
		j.entries = append(j.entries, "seen "+e)
		j.mu.Unlock()
	}
}

// ConnPool keeps one connection per address.
type ConnPool struct {
	mu    sync.Mutex
	conns map[string]net.Conn
}

// Conn dials while holding the pool's lock: one slow address stalls every caller.
func (p *ConnPool) Conn(addr string) (net.Conn, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.conns[addr]; ok {
		return c, nil
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	p.conns[addr] = c
	return c, nil
}

// Queue buffers items until it is closed.
type Queue struct {
	mu     sync.Mutex
	items  []string
	closed bool
	ready  *sync.Cond // signalled on Push, uses mu
}

// Push returns early with the lock still held once the queue is closed.
func (q *Queue) Push(s string) error {
	q.mu.Lock()
	if q.closed {
		return errors.New("queue closed")
	}
	q.items = append(q.items, s)
	q.mu.Unlock()
	return nil
}

// Pop waits for an item, but tests for one only once.
func (q *Queue) Pop() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		q.ready.Wait()
	}
	s := q.items[0]
	q.items = q.items[1:]
	return s
}
