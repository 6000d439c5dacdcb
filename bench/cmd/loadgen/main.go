// Command loadgen drives one target with N concurrent callers for a fixed
// duration or request count and prints one JSON report: requests, errors,
// RPS and latency percentiles from every call's latency, sorted.
//
// -mode grpc uses one grpc.ClientConn for all callers (GetWorkEngagement,
// UpdateWorkEngagement with -op update, ListWorkEngagements with -op list
// and -page-size, a short page counted as an error); -mode http uses one
// keep-alive http.Client (GET of -target for -op get and list, PATCH with
// -op update and -body).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	pbv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// Report is what loadgen prints.
type Report struct {
	Requests   int64   `json:"requests"`
	Errors     int64   `json:"errors"`
	Seconds    float64 `json:"seconds"`
	RPS        float64 `json:"rps"`
	P50us      float64 `json:"p50_us"`
	P99us      float64 `json:"p99_us"`
	P999us     float64 `json:"p999_us"`
	FirstError string  `json:"first_error,omitempty"`
}

type config struct {
	mode, op, target, id, body string
	concurrency, pageSize      int
	duration, timeout          time.Duration
	requests                   int64
}

// callFunc makes one call; a nil error counts as a success.
type callFunc func(ctx context.Context, n int64) error

func main() {
	var c config
	flag.StringVar(&c.mode, "mode", "grpc", "grpc or http")
	flag.StringVar(&c.op, "op", "get", "get, update or list")
	flag.StringVar(&c.target, "target", "127.0.0.1:9090", "gRPC address, or the URL for -mode http")
	flag.StringVar(&c.id, "id", "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31", "work engagement id for -mode grpc")
	flag.StringVar(&c.body, "body", `{"color_code":"0a0"}`, "PATCH body for -mode http -op update")
	flag.IntVar(&c.concurrency, "c", 50, "concurrent callers")
	flag.IntVar(&c.pageSize, "page-size", 50, "page_size for -mode grpc -op list (for -mode http, put it in -target)")
	flag.DurationVar(&c.duration, "d", 5*time.Second, "run for this long (ignored when -n is set)")
	flag.Int64Var(&c.requests, "n", 0, "stop after this many requests")
	flag.DurationVar(&c.timeout, "timeout", 10*time.Second, "per-call timeout")
	flag.Parse()
	rep, err := run(c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
	_ = json.NewEncoder(os.Stdout).Encode(rep)
}

func run(c config) (Report, error) {
	call, closeFn, err := newCaller(c)
	if err != nil {
		return Report{}, err
	}
	defer closeFn()

	ctx := context.Background()
	if c.requests == 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.duration)
		defer cancel()
	}
	var (
		issued, errCount atomic.Int64
		firstErr         atomic.Value
		wg               sync.WaitGroup
		lat              = make([][]time.Duration, c.concurrency)
	)
	start := time.Now()
	for w := range c.concurrency {
		wg.Go(func() {
			own := make([]time.Duration, 0, 4096)
			for ctx.Err() == nil {
				n := issued.Add(1)
				if c.requests > 0 && n > c.requests {
					break
				}
				cctx, cancel := context.WithTimeout(context.Background(), c.timeout)
				t0 := time.Now()
				err := call(cctx, n)
				own = append(own, time.Since(t0))
				cancel()
				if err != nil {
					errCount.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
			lat[w] = own
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	all := slices.Concat(lat...)
	slices.Sort(all)
	rep := Report{Requests: int64(len(all)), Errors: errCount.Load(), Seconds: elapsed.Seconds()}
	rep.RPS = float64(len(all)-int(rep.Errors)) / elapsed.Seconds()
	rep.P50us, rep.P99us, rep.P999us = pct(all, 0.50), pct(all, 0.99), pct(all, 0.999)
	if s, ok := firstErr.Load().(string); ok {
		rep.FirstError = s
	}
	return rep, nil
}

// pct returns the q-quantile of sorted latencies in microseconds.
func pct(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted)-1) + 0.5)
	return float64(sorted[i].Nanoseconds()) / 1e3
}

func newCaller(c config) (callFunc, func(), error) {
	switch c.mode {
	case "grpc":
		return grpcCaller(c)
	case "http":
		return httpCaller(c)
	}
	return nil, nil, fmt.Errorf("unknown -mode %q", c.mode)
}

func grpcCaller(c config) (callFunc, func(), error) {
	conn, err := grpc.NewClient(c.target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, nil, err
	}
	client := pbv1.NewWorkEngagementServiceClient(conn)
	closeFn := func() { _ = conn.Close() }
	get := &pbv1.GetWorkEngagementRequest{Id: c.id}
	switch c.op {
	case "get":
		return func(ctx context.Context, _ int64) error {
			_, err := client.GetWorkEngagement(ctx, get)
			return err
		}, closeFn, nil
	case "update":
		colors := []string{"0a0", "1E90ff", "fff"}
		return func(ctx context.Context, n int64) error {
			color := colors[n%int64(len(colors))]
			_, err := client.UpdateWorkEngagement(ctx, &pbv1.UpdateWorkEngagementRequest{
				WorkEngagement: &pbv1.WorkEngagement{Id: c.id, ColorCode: &color},
				UpdateMask:     &fieldmaskpb.FieldMask{Paths: []string{"color_code"}},
			})
			return err
		}, closeFn, nil
	case "list":
		list := &pbv1.ListWorkEngagementsRequest{PageSize: int32(c.pageSize)}
		return func(ctx context.Context, _ int64) error {
			resp, err := client.ListWorkEngagements(ctx, list)
			if err == nil && len(resp.GetWorkEngagements()) != c.pageSize {
				err = fmt.Errorf("list answered %d items, want %d", len(resp.GetWorkEngagements()), c.pageSize)
			}
			return err
		}, closeFn, nil
	}
	return nil, nil, fmt.Errorf("unknown -op %q", c.op)
}

func httpCaller(c config) (callFunc, func(), error) {
	tr := &http.Transport{
		MaxIdleConns:        c.concurrency * 2,
		MaxIdleConnsPerHost: c.concurrency * 2,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	client := &http.Client{Transport: tr}
	closeFn := tr.CloseIdleConnections
	method, body := http.MethodGet, []byte(nil)
	switch c.op {
	case "get", "list":
	case "update":
		method, body = http.MethodPatch, []byte(c.body)
	default:
		return nil, nil, fmt.Errorf("unknown -op %q", c.op)
	}
	// The stand-in wants the seven credential headers; the facade's gateway ignores them.
	hdr := http.Header{"Content-Type": {"application/json"}}
	for _, k := range upstream.CredentialList() {
		hdr.Set(k.Header, "bench")
	}
	return func(ctx context.Context, _ int64) error {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, c.target, rd)
		if err != nil {
			return err
		}
		req.Header = hdr.Clone()
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, cerr := io.Copy(io.Discard, resp.Body)
		err = errors.Join(cerr, resp.Body.Close())
		if err == nil && resp.StatusCode/100 != 2 {
			err = fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		return err
	}, closeFn, nil
}
