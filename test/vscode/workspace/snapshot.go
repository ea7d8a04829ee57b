package e2e

// Snapshot takes the counter by value: the copy carries the lock's state with it.
func Snapshot(c Counter) int { // want "copied-lock"
	return len(c.n)
}
