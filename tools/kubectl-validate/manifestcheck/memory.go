package main

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// checkMemory holds the facade's memory budget against the container's
// memory limit. Left alone, the budget follows limits.memory (the binary
// gives the Go runtime 90% of its cgroup's limit). Set by GOMEMLIMIT or
// --memory-limit, it must stay below limits.memory: the rest is memory the
// runtime does not count, which the kernel charges to the container too,
// and a soft limit at or above the hard one lets the kernel kill the
// container before the GC tries to stay under it. Like the binary, it
// refuses a flag set together with the Go runtime's variable for the same
// thing.
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
	for _, set := range [][2]string{{"GOMEMLIMIT", k.env["GOMEMLIMIT"]}, {"--memory-limit", k.get("memory-limit")}} {
		what, v := set[0], set[1]
		if v == "" || v == "auto" || v == "off" {
			continue
		}
		budget, err := resource.ParseQuantity(kubernetesUnits(v))
		if err != nil {
			k.bad("%s=%s is not a size this check can read", what, v)
			continue
		}
		if budget.Cmp(limit) >= 0 {
			k.bad("%s=%s is not below limits.memory (%s): the kernel would kill the container before the Go runtime holds to it", what, v, limit.String())
		}
	}
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
