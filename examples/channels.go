package main

// Channel ownership: who closes, who stops, who receives.

// produce sends n squares; its cleanup was written twice.
func produce(out chan<- int, n int) {
	defer close(out)
	for i := 0; i < n; i++ {
		out <- i * i
	}
	close(out) // the deferred close panics on return
}
