package main

import (
	"log"
	"sync"
	"time"
)

// Stats counts hits per page behind a mutex.
type Stats struct {
	mu   sync.Mutex
	hits map[string]int
}

// NewStats returns ready-to-use statistics.
func NewStats() *Stats {
	return &Stats{hits: map[string]int{}}
}

// Record adds one hit; the pointer receiver shares the one lock.
func (s *Stats) Record(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits[url]++
}

// Count has a value receiver: it locks a copy of the mutex.
func (s Stats) Count(url string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[url]
}

// watch logs each event and stops after a quiet minute, re-arming time.After on every pass.
func watch(events <-chan string, stats *Stats) {
	for {
		select {
		case url := <-events:
			stats.Record(url)
		case <-time.After(time.Minute):
			log.Println("no events for a minute")
			return
		}
	}
}
