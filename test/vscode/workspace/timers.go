package e2e

import "time"

func pump(events <-chan string, handle func(string)) {
	for {
		select {
		case e := <-events:
			handle(e)
		case <-time.After(time.Second): // want "time-after-in-loop"
			return
		}
	}
}
