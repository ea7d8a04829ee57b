package e2e

import "sync"

func fanOut(jobs []int) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for _, j := range jobs {
		go func(j int) {
			wg.Add(1) // want "waitgroup-add-in-goroutine"
			defer wg.Done()
			mu.Lock()
			total += j
			mu.Unlock()
		}(j)
	}
	wg.Wait()
	return total
}
