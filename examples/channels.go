package main

import "time"

// Channel ownership: who closes, who stops, who receives.

// produce sends n squares; its cleanup was written twice.
func produce(out chan<- int, n int) {
	defer close(out)
	for i := 0; i < n; i++ {
		out <- i * i
	}
	close(out) // the deferred close panics on return
}

// waitTicks waits for n ticks; its ticker is never stopped.
func waitTicks(n int) int {
	t := time.NewTicker(10 * time.Millisecond)
	for i := 0; i < n; i++ {
		<-t.C
	}
	return n
}

// squareLater parks a value in a channel nobody else knows of.
func squareLater(n int) int {
	out := make(chan int)
	out <- n * n // nobody can receive yet: blocks forever
	return <-out
}

// sumAll adds numbers produced by a goroutine that never closes the channel.
func sumAll(nums []int) int {
	ch := make(chan int)
	go func() {
		for _, n := range nums {
			ch <- n
		}
	}()
	sum := 0
	for n := range ch { // never ends after the last number
		sum += n
	}
	return sum
}

// firstResult takes one result and closes the channel the workers still send on.
func firstResult(results chan string) string {
	r := <-results
	close(results) // the next worker's send panics
	return r
}

// mergeAll fans in every source; each sender closes the shared channel when it is done.
func mergeAll(sources [][]int) <-chan int {
	merged := make(chan int)
	for _, src := range sources {
		go func(vals []int) {
			for _, v := range vals {
				merged <- v
			}
			close(merged) // the first to finish closes; the others panic
		}(src)
	}
	return merged
}

// forward copies values until in is closed, then spins: break leaves only the select.
func forward(in <-chan int, out chan<- int) {
	for {
		select {
		case v, ok := <-in:
			if !ok {
				break
			}
			out <- v
		}
	}
}
