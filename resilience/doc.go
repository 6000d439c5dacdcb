// Package resilience holds the two guards a client puts in front of a
// service it depends on: a [Breaker] that stops calling it while it is
// failing, and a [Limiter] that bounds how many requests are in flight to
// it at once. Neither knows what a request is: the caller decides what
// counts as a failure (a [Verdict]) and what to return when a guard
// refuses.
//
// The limiter is golang.org/x/sync/semaphore with a bounded wait. The
// breaker is written here rather than taken from sony/gobreaker/v2, which
// can express the three verdicts (IsExcluded) and drops stale results by
// generation as this one does, but credits a result to the bucket in which
// its request was let through and drops it once that bucket has left the
// window: a request that hangs longer than the window, the typical failure
// of a silent upstream, would then never count, and the breaker would not
// open while the upstream hangs. gobreaker also reads time.Now directly,
// so a test cannot move its clock.
package resilience
