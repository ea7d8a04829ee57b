package main

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// mirror copies every page; the group cancels gctx on the first error, but the tasks watch ctx, so a
// failed copy stops none of the others and Wait waits for the slowest.
func mirror(ctx context.Context, urls []string) ([]Page, error) {
	pages := make([]Page, len(urls))
	g, gctx := errgroup.WithContext(ctx)
	for i, u := range urls {
		g.Go(func() error {
			p, err := fetchWithin(ctx, u)
			pages[i] = p
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return pages, gctx.Err()
}

// mirrorFailFast is the same with the derived context shadowing the parent: the first error stops
// the remaining copies.
func mirrorFailFast(ctx context.Context, urls []string) ([]Page, error) {
	pages := make([]Page, len(urls))
	g, ctx := errgroup.WithContext(ctx)
	for i, u := range urls {
		g.Go(func() error {
			p, err := fetchWithin(ctx, u)
			pages[i] = p
			return err
		})
	}
	return pages, g.Wait()
}
