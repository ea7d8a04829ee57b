// Package main is a toy crawler that shows each pitfall once, next to code that is right.
package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// Page is what a fetch returns.
type Page struct {
	URL  string
	Body string
}

// fetchAll starts one goroutine per URL; each counts itself on the WaitGroup too late, and calls Done twice.
func fetchAll(urls []string) []Page {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		pages []Page
	)
	for _, u := range urls {
		go func(u string) {
			wg.Add(1)
			defer wg.Done()
			p := fetch(u)
			mu.Lock()
			pages = append(pages, p)
			mu.Unlock()
			wg.Done()
		}(u)
	}
	wg.Wait()
	return pages
}

// fetchWithin gives up after a deadline, but the worker's unbuffered send then blocks forever.
func fetchWithin(ctx context.Context, url string) (Page, error) {
	result := make(chan Page)
	go func() {
		result <- fetch(url)
	}()
	select {
	case p := <-result:
		return p, nil
	case <-ctx.Done():
		return Page{}, ctx.Err()
	}
}

// fetchTimeout derives a context with a timeout and drops its cancel function.
func fetchTimeout(parent context.Context, url string) (Page, error) {
	ctx, _ := context.WithTimeout(parent, 2*time.Second)
	return fetchWithin(ctx, url)
}

func fetch(url string) Page {
	time.Sleep(10 * time.Millisecond)
	return Page{URL: url, Body: "ok"}
}

func main() {
	runtime.GOMAXPROCS(4)
	pages := fetchAll([]string{"a", "b", "c"})
	fmt.Println(len(pages))
	if _, err := fetchTimeout(context.Background(), "d"); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Println(err)
	}
}

// keepWarm pings the server for the rest of the process, whatever happens to ctx.
func keepWarm(ctx context.Context, url string) {
	go func() {
		for {
			fetchWithin(ctx, url)
			time.Sleep(30 * time.Second)
		}
	}()
}

// fetchRetry gives the retry a fresh root: the caller's deadline and cancellation no longer reach it.
func fetchRetry(ctx context.Context, url string) (Page, error) {
	rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return fetchWithin(rctx, url)
}

// crawlOne has a context, but the helper it calls takes none and starts over from a new root.
func crawlOne(ctx context.Context, url string) (Page, error) {
	if err := ctx.Err(); err != nil {
		return Page{}, err
	}
	return fetchQuick(url)
}

func fetchQuick(url string) (Page, error) {
	qctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return fetchWithin(qctx, url)
}
