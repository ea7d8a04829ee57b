package main

import "sync"

// countLinks counts how often each page links to each host. Every goroutine writes the shared map with
// no lock: two of them inserting at once crash the program.
func countLinks(pages []Page, hostOf func(string) []string) map[string]int {
	counts := map[string]int{}
	var wg sync.WaitGroup
	for _, p := range pages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, h := range hostOf(p.Body) {
				counts[h]++
			}
		}()
	}
	wg.Wait()
	return counts
}

// countLinksLocked is the same with the increment under a mutex.
func countLinksLocked(pages []Page, hostOf func(string) []string) map[string]int {
	var (
		mu     sync.Mutex
		wg     sync.WaitGroup
		counts = map[string]int{}
	)
	for _, p := range pages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hosts := hostOf(p.Body)
			mu.Lock()
			defer mu.Unlock()
			for _, h := range hosts {
				counts[h]++
			}
		}()
	}
	wg.Wait()
	return counts
}
