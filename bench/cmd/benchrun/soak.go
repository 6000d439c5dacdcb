package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// soakSample is the facade's memory at one moment of the soak run.
type soakSample struct {
	At         time.Duration `json:"at_ns"`
	RSS        int64         `json:"rss_bytes"`
	HeapInuse  float64       `json:"heap_inuse_bytes"`
	Goroutines float64       `json:"goroutines"`
}

// soakReport is the soak run: gRPC Get at c500 for the whole duration
// against a fresh facade, its memory sampled every interval.
type soakReport struct {
	Duration time.Duration `json:"duration_ns"`
	Load     loadReport    `json:"load"`
	Samples  []soakSample  `json:"samples"`
}

const soakInterval = 5 * time.Second

// soak runs the get-c500 load on the facade over gRPC for d, sampling
// VmRSS from /proc and the heap and goroutines from its /metrics.
func (e *env) soak(ctx context.Context, d time.Duration) (*soakReport, error) {
	if err := setLatency(0); err != nil {
		return nil, err
	}
	t := facadeGRPC
	w := workload{name: "soak", op: "get", concurrency: 500, upstream: standinURL}
	server, err := e.restart(ctx, t, w)
	if err != nil {
		return nil, err
	}
	logf("soak: facade gRPC, get-c500, %s", d)
	finished := e.startLoad(ctx, t, w, d)
	rep := &soakReport{Duration: d}
	start := time.Now()
	tick := time.NewTicker(soakInterval)
	defer tick.Stop()
	for {
		select {
		case f := <-finished:
			rep.Load = f.r
			return rep, f.err
		case <-tick.C:
			s := soakSample{At: time.Since(start)}
			s.RSS, _ = currentRSS(server.Process.Pid)
			s.HeapInuse, s.Goroutines = facadeGauges()
			rep.Samples = append(rep.Samples, s)
		}
	}
}

// currentRSS returns VmRSS in bytes.
func currentRSS(pid int) (int64, error) { return procStatusKB(pid, "VmRSS:") }

// facadeGauges reads go_memstats_heap_inuse_bytes and go_goroutines from
// the facade's /metrics; zeros when unavailable.
func facadeGauges() (heapInuse, goroutines float64) {
	resp, err := http.Get("http://" + facadeHTTPAddr + "/metrics")
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return 0, 0
	}
	gauge := func(name string) float64 {
		if f := families[name]; f != nil && len(f.GetMetric()) > 0 {
			return f.GetMetric()[0].GetGauge().GetValue()
		}
		return 0
	}
	return gauge("go_memstats_heap_inuse_bytes"), gauge("go_goroutines")
}

// growth compares the peak RSS of the soak's second minute (after a
// minute of settling in) with that of its last minute.
func (s *soakReport) growth() (first, last int64, ok bool) {
	window := func(from, to time.Duration) int64 {
		var peak int64
		for _, x := range s.Samples {
			if x.At > from && x.At <= to {
				peak = max(peak, x.RSS)
			}
		}
		return peak
	}
	if s.Duration < 3*time.Minute {
		return 0, 0, false
	}
	return window(time.Minute, 2*time.Minute), window(s.Duration-time.Minute, s.Duration), true
}

// checks are the soak's goals: peak RSS, and no growth.
func (s *soakReport) checks() []check {
	var peak int64
	for _, x := range s.Samples {
		peak = max(peak, x.RSS)
	}
	cs := []check{{name: fmt.Sprintf("soak (gRPC get-c500, %s): peak RSS ≤ %s (the facade's default memory budget)", s.Duration, defaultMemoryBudget),
		got: fmt.Sprintf("%.1f MiB", mib(peak)), ok: peak <= int64(defaultMemoryBudget)}}
	if first, last, ok := s.growth(); ok {
		cs = append(cs, check{name: "soak: no RSS growth (last minute's peak ≤ second minute's + 2 MiB)",
			got: fmt.Sprintf("%.1f → %.1f MiB", mib(first), mib(last)), ok: last <= first+maxGrowth})
	}
	return cs
}

// maxGrowth is how much the last minute's peak RSS may exceed the second
// minute's: noise from GC timing, not a trend.
const maxGrowth = 2 << 20

func renderSoak(s *soakReport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Soak: facade gRPC, get-c500, %s\n\n", s.Duration)
	fmt.Fprintf(&b, "%d calls, %.0f/s, %d errors. Sampled every %s: VmRSS from /proc, heap in use and goroutines from the facade's /metrics.\n\n",
		s.Load.Requests, s.Load.RPS, s.Load.Errors, soakInterval)
	b.WriteString("| minute | peak RSS MiB | peak heap in use MiB | peak goroutines |\n|---:|---:|---:|---:|\n")
	for m := time.Duration(0); m < s.Duration; m += time.Minute {
		var rss int64
		var heap, gs []float64
		for _, x := range s.Samples {
			if x.At > m && x.At <= m+time.Minute {
				rss = max(rss, x.RSS)
				heap, gs = append(heap, x.HeapInuse), append(gs, x.Goroutines)
			}
		}
		if len(heap) == 0 {
			continue
		}
		fmt.Fprintf(&b, "| %d | %.1f | %.1f | %.0f |\n", m/time.Minute+1, mib(rss), slices.Max(heap)/(1<<20), slices.Max(gs))
	}
	b.WriteString("\n")
	return b.String()
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
