package main

import "testing"

func TestPoolRuns(t *testing.T) {
	done := make(chan bool)
	go func() {
		defer close(done)
		if processed < 0 {
			t.Fatal("negative count")
		}
	}()
	<-done
}
