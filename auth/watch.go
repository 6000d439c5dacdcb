package auth

import (
	"context"
	"time"
)

// DefaultWatchInterval is the poll interval of the Watch methods when they
// are given zero or less. Kubernetes itself takes up to a minute or two to
// update a mounted Secret, so polling faster buys little.
const DefaultWatchInterval = 10 * time.Second

// watch polls the sources returned by list every interval until ctx is
// done, passing each failure to onErr (which may be nil).
func watch(ctx context.Context, interval time.Duration, onErr func(error), list func() []*source) {
	if interval <= 0 {
		interval = DefaultWatchInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, s := range list() {
			if err := s.poll(); err != nil && onErr != nil {
				onErr(err)
			}
		}
	}
}
