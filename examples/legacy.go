//go:build go1.21

// This file asks for Go 1.21 (a build line can lower one file below the module's go 1.22), so its
// loops still share one variable across iterations.
package main

import "fmt"

// announce prints each worker's name from its own goroutine, but all goroutines share one name.
func announce(names []string, done chan<- struct{}) {
	for _, name := range names {
		go func() {
			fmt.Println("worker", name)
			done <- struct{}{}
		}()
	}
}

// announceCopy gives every goroutine its own copy.
func announceCopy(names []string, done chan<- struct{}) {
	for _, name := range names {
		go func(n string) {
			fmt.Println("worker", n)
			done <- struct{}{}
		}(name)
	}
}
