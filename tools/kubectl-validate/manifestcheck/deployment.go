package main

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// deploymentCheck is one Deployment under check: the configuration the
// binary would start with, and the problems found so far.
type deploymentCheck struct {
	m    *manifests
	d    *appsv1.Deployment
	bin  binary
	spec corev1.PodSpec
	c    *corev1.Container

	env   map[string]string // variable → value, as the container sets them
	cfg   map[string]string // flag name → value, from variables and arguments
	ports map[string]int32  // container port name → number
	tls   bool              // the listeners speak TLS

	problems []string
}

// checkDeployment reports what in d and the objects around it would keep
// pigello-facade from starting or running as intended.
func (m *manifests) checkDeployment(d *appsv1.Deployment, bin binary) []string {
	k := &deploymentCheck{m: m, d: d, bin: bin, spec: d.Spec.Template.Spec}
	for i := range k.spec.Containers {
		if k.spec.Containers[i].Name == containerName {
			k.c = &k.spec.Containers[i]
		}
	}
	if k.c == nil {
		k.bad("no container named %s", containerName)
		return k.problems
	}
	if k.c.Image == "" {
		k.bad("container has no image")
	}
	k.readConfig()
	k.checkListeners()
	k.checkCredentials()
	k.checkFiles()
	k.checkProbes()
	k.checkScrape()
	k.checkShutdown()
	k.checkSecurity()
	k.checkMemory()
	k.checkTargets()
	return k.problems
}

func (k *deploymentCheck) bad(format string, args ...any) {
	k.problems = append(k.problems, fmt.Sprintf("Deployment %s: ", k.d.Name)+fmt.Sprintf(format, args...))
}

// get is a flag's value as the binary would see it.
func (k *deploymentCheck) get(name string) string {
	if v, ok := k.cfg[name]; ok {
		return v
	}
	return k.bin.defaults[name]
}

func (k *deploymentCheck) getBool(name string) bool {
	b, _ := strconv.ParseBool(k.get(name))
	return b
}

// readConfig works out the configuration the binary would see: variables,
// then flags.
func (k *deploymentCheck) readConfig() {
	k.cfg, k.env = map[string]string{}, map[string]string{}
	for _, ef := range k.c.EnvFrom {
		switch {
		case ef.ConfigMapRef != nil:
			cm, ok := k.m.configMaps[ef.ConfigMapRef.Name]
			if !ok {
				if ef.ConfigMapRef.Optional == nil || !*ef.ConfigMapRef.Optional {
					k.bad("envFrom ConfigMap %s is not among the manifests", ef.ConfigMapRef.Name)
				}
				continue
			}
			for name, v := range cm.Data {
				k.env[ef.Prefix+name] = v
			}
		case ef.SecretRef != nil:
			k.bad("envFrom Secret %s: its keys cannot be checked; use env or *_FILE", ef.SecretRef.Name)
		}
	}
	for _, e := range k.c.Env {
		k.env[e.Name] = e.Value
	}
	for name, value := range k.env {
		if !k.bin.knowsEnv(name) {
			k.bad("variable %s is not read by pigello-facade", name)
		}
		for f := range k.bin.flags {
			if envName(f) == name {
				k.cfg[f] = value
			}
		}
	}
	if len(k.c.Command) > 0 {
		k.bad("command overrides the image's entrypoint")
	}
	for _, arg := range k.c.Args {
		k.readArg(arg)
	}
	k.tls = k.get("tls-cert-file") != ""
	if k.tls != (k.get("tls-key-file") != "") {
		k.bad("--tls-cert-file and --tls-key-file go together")
	}
	k.ports = map[string]int32{}
	for _, cp := range k.c.Ports {
		k.ports[cp.Name] = cp.ContainerPort
	}
}

func (k *deploymentCheck) readArg(arg string) {
	name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	typ, ok := k.bin.flags[name]
	switch {
	case !strings.HasPrefix(arg, "-"):
		k.bad("argument %q is not a flag (the binary takes no arguments)", arg)
	case !ok:
		k.bad("flag --%s is not a pigello-facade flag", name)
	case typ != "" && !hasValue:
		k.bad("flag --%s needs --%s=VALUE in one argument", name, name)
	default:
		if !hasValue {
			value = "true"
		}
		k.cfg[name] = value
	}
}

// checkListeners holds the listeners against the container ports and the
// binary's refusal to listen openly.
func (k *deploymentCheck) checkListeners() {
	open := !k.tls && k.get("auth-tokens-file") == "" && !k.getBool("insecure") && !k.getBool("emulator")
	for _, l := range []struct{ flag, port string }{{"grpc-addr", "grpc"}, {"http-addr", "http"}} {
		host, port, err := net.SplitHostPort(k.get(l.flag))
		if err != nil {
			k.bad("--%s=%q: %v", l.flag, k.get(l.flag), err)
			continue
		}
		if n, _ := strconv.Atoi(port); k.ports[l.port] != int32(n) {
			k.bad("--%s listens on %s, container port %q is %d", l.flag, port, l.port, k.ports[l.port])
		}
		if ip := net.ParseIP(host); (ip == nil || !ip.IsLoopback()) && host != "localhost" && open {
			k.bad("--%s listens beyond loopback with neither TLS nor tokens: the binary refuses to start", l.flag)
		}
	}
}

// checkCredentials wants the base URL and the seven credentials, unless
// callers bring theirs or the emulator stands in.
func (k *deploymentCheck) checkCredentials() {
	if k.get("credentials-from-metadata") == "true" || k.getBool("emulator") {
		return
	}
	if k.get("pigello-base-url") == "" {
		k.bad("PIGELLO_BASE_URL is not set")
	}
	for name := range k.bin.env {
		if strings.HasSuffix(name, "_FILE") || !strings.HasPrefix(name, "PIGELLO_") || name == "PIGELLO_BASE_URL" {
			continue
		}
		if _, ok := k.env[name]; !ok {
			if _, ok := k.env[name+"_FILE"]; !ok {
				k.bad("credential %s (or %s_FILE) is not set", name, name)
			}
		}
	}
}

// checkFiles wants every file the binary reads mounted, and read-only.
func (k *deploymentCheck) checkFiles() {
	files := map[string]string{}
	for _, f := range []string{"tls-cert-file", "tls-key-file", "tls-client-ca-file", "auth-tokens-file"} {
		if v := k.get(f); v != "" {
			files["--"+f] = v
		}
	}
	for name, v := range k.env {
		if strings.HasSuffix(name, "_FILE") && v != "" {
			files[name] = v
		}
	}
	for what, file := range files {
		if err := mounted(k.spec, k.c, file); err != nil {
			k.bad("%s=%s: %v", what, file, err)
		}
	}
}

// checkProbes wants HTTP(S) probes on the HTTP listener; gRPC probes
// cannot speak TLS.
func (k *deploymentCheck) checkProbes() {
	for _, pr := range []struct {
		name  string
		probe *corev1.Probe
		path  string
	}{{"readinessProbe", k.c.ReadinessProbe, "/readyz"}, {"livenessProbe", k.c.LivenessProbe, "/healthz"}, {"startupProbe", k.c.StartupProbe, ""}} {
		if pr.probe == nil {
			if pr.path != "" {
				k.bad("no %s", pr.name)
			}
			continue
		}
		k.checkProbe(pr.name, pr.probe, pr.path)
	}
}

func (k *deploymentCheck) checkProbe(name string, probe *corev1.Probe, path string) {
	switch {
	case probe.HTTPGet != nil:
		h := probe.HTTPGet
		want := corev1.URISchemeHTTP
		if k.tls {
			want = corev1.URISchemeHTTPS
		}
		if h.Scheme != want {
			k.bad("%s scheme is %q, the HTTP listener speaks %s", name, h.Scheme, want)
		}
		if h.Port.String() != "http" && h.Port.IntValue() != int(k.ports["http"]) {
			k.bad("%s port %s is not the HTTP listener", name, h.Port.String())
		}
		if path != "" && h.Path != path {
			k.bad("%s path is %s, want %s", name, h.Path, path)
		}
		if k.get("tls-client-ca-file") != "" {
			k.bad("%s: with --tls-client-ca-file the kubelet (no client certificate) fails the handshake", name)
		}
	case probe.GRPC != nil:
		if k.tls {
			k.bad("%s is a gRPC probe, which cannot speak TLS", name)
		}
		if probe.GRPC.Port != k.ports["grpc"] {
			k.bad("%s gRPC port %d is not the gRPC listener", name, probe.GRPC.Port)
		}
	case probe.Exec != nil:
		k.bad("%s is an exec probe: the image has no shell or tools", name)
	}
}

// checkScrape wants scrapers to follow the HTTP listener's scheme too.
func (k *deploymentCheck) checkScrape() {
	if scheme, ok := k.d.Spec.Template.Annotations["prometheus.io/scheme"]; ok {
		want := map[bool]string{false: "http", true: "https"}[k.tls]
		if scheme != want {
			k.bad("annotation prometheus.io/scheme is %q, the HTTP listener speaks %s", scheme, want)
		}
	}
}

// checkShutdown wants the grace period to cover preStop, then SIGTERM,
// --drain-delay (still serving, not ready) and up to --shutdown-timeout of
// drain; and the drain delay to last until the kubelet has seen the readiness
// probe fail, so the pod is out of the endpoints before its listeners close.
func (k *deploymentCheck) checkShutdown() {
	delay, drain := k.getDuration("drain-delay"), k.getDuration("shutdown-timeout")
	var preStop time.Duration
	if k.c.Lifecycle != nil && k.c.Lifecycle.PreStop != nil {
		switch h := k.c.Lifecycle.PreStop; {
		case h.Sleep != nil:
			preStop = time.Duration(h.Sleep.Seconds) * time.Second
		case h.Exec != nil:
			k.bad("preStop exec: the image has no shell or sleep binary; use the sleep action")
		}
	}
	grace := 30 * time.Second
	if k.spec.TerminationGracePeriodSeconds != nil {
		grace = time.Duration(*k.spec.TerminationGracePeriodSeconds) * time.Second
	}
	if grace <= preStop+delay+drain {
		k.bad("terminationGracePeriodSeconds (%v) must exceed preStop (%v) + --drain-delay (%v) + --shutdown-timeout (%v)", grace, preStop, delay, drain)
	}
	if p := k.c.ReadinessProbe; p != nil {
		if seen := readinessFailsWithin(p); delay < seen {
			k.bad("--drain-delay (%v) is shorter than the readinessProbe's failureThreshold × periodSeconds (%v): the listeners close while the kubelet may still see the pod ready", delay, seen)
		}
	}
}

// readinessFailsWithin is how long after /readyz starts failing the kubelet
// has certainly marked the pod not ready: failureThreshold probes, one per
// periodSeconds (Kubernetes' defaults, 3 and 10 s, where unset).
func readinessFailsWithin(p *corev1.Probe) time.Duration {
	period, threshold := p.PeriodSeconds, p.FailureThreshold
	if period == 0 {
		period = 10
	}
	if threshold == 0 {
		threshold = 3
	}
	return time.Duration(period*threshold) * time.Second
}

// getDuration is a duration flag's value; unset (the help prints no default
// for zero) is 0.
func (k *deploymentCheck) getDuration(name string) time.Duration {
	v := k.get(name)
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		k.bad("--%s=%q: %v", name, v, err)
	}
	return d
}

// checkSecurity wants a restricted security context (the container's
// settings, else the pod's) and resource requests and limits.
func (k *deploymentCheck) checkSecurity() {
	sc, psc := k.c.SecurityContext, k.spec.SecurityContext
	if sc == nil {
		sc = &corev1.SecurityContext{}
	}
	if psc == nil {
		psc = &corev1.PodSecurityContext{}
	}
	isTrue := func(b *bool) bool { return b != nil && *b }
	if !isTrue(sc.RunAsNonRoot) && !isTrue(psc.RunAsNonRoot) {
		k.bad("runAsNonRoot is not set")
	}
	if uid := firstInt(sc.RunAsUser, psc.RunAsUser); uid == nil || *uid == 0 {
		k.bad("runAsUser must be a non-zero uid (the image's is 65532)")
	}
	if !isTrue(sc.ReadOnlyRootFilesystem) {
		k.bad("readOnlyRootFilesystem is not true")
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		k.bad("allowPrivilegeEscalation is not false")
	}
	if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
		k.bad("capabilities do not drop ALL")
	}
	seccomp := sc.SeccompProfile
	if seccomp == nil {
		seccomp = psc.SeccompProfile
	}
	if seccomp == nil || seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault {
		k.bad("seccompProfile is not RuntimeDefault")
	}
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := k.c.Resources.Requests[r]; !ok {
			k.bad("no %s request", r)
		}
		if _, ok := k.c.Resources.Limits[r]; !ok {
			k.bad("no %s limit", r)
		}
	}
}

// checkTargets holds what points at the Deployment against it: Services,
// the HPA, PodDisruptionBudgets.
func (k *deploymentCheck) checkTargets() {
	podLabels := labels.Set(k.d.Spec.Template.Labels)
	selects := func(s *corev1.Service) bool {
		return len(s.Spec.Selector) > 0 && labels.SelectorFromSet(s.Spec.Selector).Matches(podLabels)
	}
	for _, s := range k.m.services {
		if !selects(s) {
			continue
		}
		for _, sp := range s.Spec.Ports {
			if sp.TargetPort.String() != "" && sp.TargetPort.IntValue() == 0 {
				if _, ok := k.ports[sp.TargetPort.String()]; !ok {
					k.bad("Service %s port %s targets %q, no such container port", s.Name, sp.Name, sp.TargetPort.String())
				}
			}
		}
	}
	if !slices.ContainsFunc(k.m.services, selects) {
		k.bad("no Service selects its pods")
	}
	for _, h := range k.m.hpas {
		if h.Spec.ScaleTargetRef.Kind == "Deployment" && h.Spec.ScaleTargetRef.Name == k.d.Name {
			if h.Spec.MinReplicas != nil && k.d.Spec.Replicas != nil && *k.d.Spec.Replicas < *h.Spec.MinReplicas {
				k.bad("replicas %d below the HPA's minReplicas %d", *k.d.Spec.Replicas, *h.Spec.MinReplicas)
			}
		}
	}
	for _, pdb := range k.m.pdbs {
		sel := pdb.Spec.Selector
		if sel == nil || !labels.SelectorFromSet(sel.MatchLabels).Matches(podLabels) {
			k.problems = append(k.problems, fmt.Sprintf("PodDisruptionBudget %s does not select Deployment %s's pods", pdb.Name, k.d.Name))
		}
	}
}
