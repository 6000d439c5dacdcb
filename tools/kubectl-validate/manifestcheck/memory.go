package main

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// checkMemory holds the facade's memory budget against the container's
// memory limit. Left alone, the budget is limits.memory (the binary reads
// its cgroup's limit). --memory-limit (FACADE_MEMORY_LIMIT) means the same
// as limits.memory, the whole memory, so it may equal it but not exceed
// it. GOMEMLIMIT keeps Go's meaning, the soft limit itself, and must stay
// below limits.memory: the rest is memory the runtime does not count,
// which the kernel charges to the container too, and a soft limit at or
// above the hard one lets the kernel kill the container before the GC
// tries to stay under it. Like the binary, it refuses a flag set together
// with the Go runtime's variable for the same thing.
func (k *deploymentCheck) checkMemory() {
	for _, p := range [][2]string{{"memory-limit", "GOMEMLIMIT"}, {"gc-percent", "GOGC"}} {
		if _, ok := k.cfg[p[0]]; ok && k.env[p[1]] != "" {
			k.bad("--%s (%s) and %s are both set: the binary refuses to start", p[0], envName(p[0]), p[1])
		}
	}
	limit, ok := k.c.Resources.Limits[corev1.ResourceMemory]
	if !ok {
		return // checkSecurity reports it
	}
	if v, ok := k.memorySize("GOMEMLIMIT", k.env["GOMEMLIMIT"]); ok && v.Cmp(limit) >= 0 {
		k.bad("GOMEMLIMIT=%s, the Go runtime's soft limit, is not below limits.memory (%s): the kernel would kill the container before the Go runtime holds to it", k.env["GOMEMLIMIT"], limit.String())
	}
	if v, ok := k.memorySize("--memory-limit", k.get("memory-limit")); ok && v.Cmp(limit) > 0 {
		k.bad("--memory-limit=%s, the facade's whole memory budget, is above limits.memory (%s): the kernel would kill the container before the facade holds to it", k.get("memory-limit"), limit.String())
	}
}

// memorySize reads a size GOMEMLIMIT or --memory-limit was set to; false
// when it is not set to one (unset, auto or off) or cannot be read, which
// it reports.
func (k *deploymentCheck) memorySize(what, v string) (resource.Quantity, bool) {
	if v == "" || v == "auto" || v == "off" {
		return resource.Quantity{}, false
	}
	q, err := resource.ParseQuantity(kubernetesUnits(v))
	if err != nil {
		k.bad("%s=%s is not a size this check can read", what, v)
		return q, false
	}
	return q, true
}

// kubernetesUnits writes a size as the Go runtime (300MiB) or the facade's
// flag (1.5GiB, 100MB, 256Mi) takes it in Kubernetes' units: 300Mi, 1.5Gi,
// 100M, 256Mi.
func kubernetesUnits(size string) string {
	if s, ok := strings.CutSuffix(size, "iB"); ok {
		return s + "i"
	}
	return strings.TrimSuffix(size, "B")
}
