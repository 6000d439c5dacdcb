package main

import (
	"fmt"
	"slices"
)

// upstreamNames describe the stand-in's listeners in the report.
var upstreamNames = map[string]string{
	standinURL:    "HTTP/1.1, plaintext",
	standinTLSURL: "HTTPS, HTTP/1.1 only",
	standinH2URL:  "HTTPS, h2 offered by ALPN",
}

func handshakes(r result) float64 { return float64(r.upstream.Handshakes) }

func handshakesPerCall(r result) float64 {
	return float64(r.upstream.Handshakes) / float64(max(r.load.Requests, 1))
}

// h2Share is the part of the stand-in's requests during the run that came
// over HTTP/2.
func h2Share(r result) float64 {
	return float64(r.upstream.RequestsH2) / float64(max(r.upstream.Requests, 1))
}

// tlsOnly is the standard workloads of ws whose upstream is the stand-in
// over TLS.
func tlsOnly(ws []workload) []workload {
	return workloadsWhere(standardOnly(ws), func(w workload) bool { return w.upstream != standinURL })
}

// renderTLS is the table of the TLS workloads: what each call costs and
// how often the servers opened a connection or shook hands with the
// stand-in after their warm-up.
func renderTLS(rs []result, ws []workload) string {
	return renderSection(rs, tlsOnly(ws), sectionHead("tls"),
		func(w workload, t target) string {
			return fmt.Sprintf("| %s | %s | %s | %.0f | %s | %.0f | %.0f | %.0f | %.4f | %.0f%% |\n",
				w.name, upstreamNames[w.upstream], t.name, medOf(rs, w.name, t.name, rps), serverCPUCell(rs, w.name, t),
				medOf(rs, w.name, t.name, sinCPU), medOf(rs, w.name, t.name, conns), medOf(rs, w.name, t.name, handshakes),
				medOf(rs, w.name, t.name, handshakesPerCall), 100*medOf(rs, w.name, t.name, h2Share))
		})
}

// tlsChecks are issue 12's goal for HTTPS: after warm-up, the facade
// makes no new TLS handshake (hence no new connection) in any round.
func tlsChecks(rs []result, ws []workload) []check {
	var cs []check
	for _, w := range tlsOnly(ws) {
		for _, t := range w.targets {
			hs := pick(rs, w.name, t.name, handshakes)
			if t.server != serverFacade || len(hs) == 0 {
				continue
			}
			mx := slices.Max(hs)
			cs = append(cs, check{name: fmt.Sprintf("%s %s: TLS handshakes with the upstream after warm-up = 0 (every round)", w.name, t.name),
				got: fmt.Sprintf("%.0f", mx), ok: mx == 0})
		}
	}
	return cs
}
