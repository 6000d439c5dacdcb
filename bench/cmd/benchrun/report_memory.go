package main

import (
	"fmt"
	"slices"
)

// memoryOnly is the memory matrix's and the death-spiral check's
// workloads of ws.
func memoryOnly(ws []workload) []workload { return workloadsWhere(ws, workload.hasBudget) }

// maxRSS is the highest peak RSS of any round, in bytes.
func maxRSS(rs []result, w, t string) int64 {
	return int64(maxOf(rs, w, t, func(r result) float64 { return float64(r.peakRSS) }))
}

// alwaysUp reports whether the server answered its readiness check after
// every round.
func alwaysUp(rs []result, w, t string) bool {
	return !slices.Contains(pick(rs, w, t, func(r result) float64 {
		if r.up {
			return 1
		}
		return 0
	}), 0)
}

// renderMemory is the table of the memory matrix and the death-spiral
// check: one row per budget, concurrency, protocol and GC setting.
func renderMemory(rs []result, ws []workload) string {
	return renderSection(rs, memoryOnly(ws), sectionHead("memory"),
		func(w workload, t target) string {
			rss := maxRSS(rs, w.name, t.name)
			return fmt.Sprintf("| %s | %s | %s | %.0f | %.0f | %.1f | %s | %.0f | %s |\n",
				w.name, w.budget, t.name, medOf(rs, w.name, t.name, rps), medOf(rs, w.name, t.name, srvCPU),
				mib(rss), yesNo(rss <= int64(w.budget)), sumOf(pick(rs, w.name, t.name, errorsOf)), yesNo(alwaysUp(rs, w.name, t.name)))
		})
}

// memoryChecks are issue 12's memory goals: under each budget of the
// matrix, peak RSS within the budget in every row, and no errors at 500
// callers; under the death-spiral budget, the facade up with no errors.
func memoryChecks(rs []result, ws []workload) []check {
	var cs []check
	for _, w := range memoryOnly(ws) {
		var errs float64
		over, up, ran := 0, true, false
		for _, t := range w.targets {
			if len(pick(rs, w.name, t.name, rps)) == 0 {
				continue
			}
			ran = true
			errs += sumOf(pick(rs, w.name, t.name, errorsOf))
			up = up && alwaysUp(rs, w.name, t.name)
			if maxRSS(rs, w.name, t.name) > int64(w.budget) {
				over++
			}
		}
		switch {
		case !ran:
		case w.spiral:
			cs = append(cs, check{name: fmt.Sprintf("%s: the facade stays up with no errors (gRPC and REST, budget %s)", w.name, w.budget),
				got: fmt.Sprintf("%.0f errors, up: %s", errs, yesNo(up)), ok: errs == 0 && up})
		default:
			cs = append(cs, check{name: fmt.Sprintf("%s: peak RSS ≤ %s in every row", w.name, w.budget),
				got: fmt.Sprintf("%d of %d rows over", over, len(w.targets)), ok: over == 0})
			if w.concurrency >= 500 {
				cs = append(cs, check{name: fmt.Sprintf("%s: no errors, the facade up (gRPC and REST, every GC setting)", w.name),
					got: fmt.Sprintf("%.0f errors, up: %s", errs, yesNo(up)), ok: errs == 0 && up})
			}
		}
	}
	return cs
}
