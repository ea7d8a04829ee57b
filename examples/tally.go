package main

import (
	"sync"
	"sync/atomic"
)

// countOK checks every page in its own goroutine; all of them increment one plain int.
func countOK(pages []Page) int {
	ok := 0
	var wg sync.WaitGroup
	for _, p := range pages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if p.Body == "ok" {
				ok++
			}
		}()
	}
	wg.Wait()
	return ok
}

// countOKAtomic is the same count kept in an atomic.Int64.
func countOKAtomic(pages []Page) int64 {
	var ok atomic.Int64
	var wg sync.WaitGroup
	for _, p := range pages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if p.Body == "ok" {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	return ok.Load()
}
