// Command manifestcheck checks rendered Kubernetes manifests of
// pigello-facade against what kubectl-validate cannot know: the binary's own
// flags and environment variables, and the rules this deployment relies on.
//
//	manifestcheck -help-file <(pigello-facade -h 2>&1) rendered.yaml...
//
// Each document is decoded strictly into its Kubernetes type (unknown fields,
// wrong types and malformed quantities fail). Then, for the pigello-facade
// container: every --flag exists in the binary, every variable is one the
// binary reads (FACADE_*, PIGELLO_* and *_FILE, OTEL_*, Go runtime), every
// file a flag or *_FILE names lies in a mounted Secret or ConfigMap (and among
// its items), the listen ports match the named container ports, the probes'
// (and the prometheus.io/scheme annotation's) scheme follows TLS, the grace period outlasts preStop plus
// --shutdown-timeout, the security context is restricted, resources are set,
// and Services, the HPA and the PDB point at the Deployment.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

const containerName = "pigello-facade"

func main() {
	helpFile := flag.String("help-file", "", "output of `pigello-facade -h` (required)")
	flag.Parse()
	if *helpFile == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: manifestcheck -help-file FILE rendered.yaml...")
		os.Exit(2)
	}
	help, err := os.ReadFile(*helpFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "manifestcheck:", err)
		os.Exit(2)
	}
	bin := parseHelp(string(help))
	failed := false
	for _, file := range flag.Args() {
		problems, err := checkFile(file, bin)
		if err != nil {
			problems = append(problems, err.Error())
		}
		if len(problems) == 0 {
			fmt.Printf("%s: OK\n", file)
			continue
		}
		failed = true
		for _, p := range problems {
			fmt.Printf("%s: %s\n", file, p)
		}
	}
	if failed {
		os.Exit(1)
	}
}

// binary is what `pigello-facade -h` says it accepts.
type binary struct {
	flags    map[string]string // name → type word ("" for booleans)
	defaults map[string]string // name → default value
	env      map[string]bool
	otel     bool // OTEL_* variables are read
}

var (
	flagLine    = regexp.MustCompile(`^\s+-([a-z0-9][a-z0-9-]*)(?:\s+(\w+))?\s*$`)
	envInUsage  = regexp.MustCompile(`\[((?:FACADE|PIGELLO)_[A-Z0-9_]+)\]`)
	defaultIn   = regexp.MustCompile(`\(default "?([^")]*)"?\)\s*$`)
	credentials = regexp.MustCompile(`\bPIGELLO_[A-Z0-9_]+\b`)
)

func parseHelp(help string) binary {
	b := binary{flags: map[string]string{}, defaults: map[string]string{}, env: map[string]bool{}}
	var last string
	for _, line := range strings.Split(help, "\n") {
		if m := flagLine.FindStringSubmatch(line); m != nil {
			last = m[1]
			b.flags[last] = m[2]
			continue
		}
		if m := envInUsage.FindStringSubmatch(line); m != nil {
			b.env[m[1]] = true
		}
		if m := defaultIn.FindStringSubmatch(line); m != nil && last != "" {
			b.defaults[last] = m[1]
		}
	}
	// The usage text names the credentials, each also readable as NAME_FILE.
	for _, name := range credentials.FindAllString(help, -1) {
		b.env[name] = true
		b.env[name+"_FILE"] = true
	}
	b.otel = strings.Contains(help, "OTEL_")
	return b
}

// goRuntimeEnv are variables the Go runtime itself reads.
var goRuntimeEnv = []string{"GOMEMLIMIT", "GOMAXPROCS", "GOGC", "GODEBUG", "GOTRACEBACK"}

func (b binary) knowsEnv(name string) bool {
	return b.env[name] || slices.Contains(goRuntimeEnv, name) ||
		(b.otel && strings.HasPrefix(name, "OTEL_"))
}

// envName mirrors the binary: --grpc-addr reads FACADE_GRPC_ADDR,
// --pigello-base-url reads PIGELLO_BASE_URL.
func envName(flagName string) string {
	name := strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
	if strings.HasPrefix(name, "PIGELLO_") {
		return name
	}
	return "FACADE_" + name
}

type manifests struct {
	deployments []*appsv1.Deployment
	services    []*corev1.Service
	configMaps  map[string]*corev1.ConfigMap
	hpas        []*autoscalingv2.HorizontalPodAutoscaler
	pdbs        []*policyv1.PodDisruptionBudget
}

func checkFile(file string, bin binary) ([]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	m := manifests{configMaps: map[string]*corev1.ConfigMap{}}
	var problems []string
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for i := 0; ; i++ {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return problems, fmt.Errorf("document %d: %w", i, err)
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		if err := m.add(doc); err != nil {
			problems = append(problems, fmt.Sprintf("document %d: %v", i, err))
		}
	}
	if len(m.deployments) == 0 {
		problems = append(problems, "no Deployment")
	}
	for _, d := range m.deployments {
		problems = append(problems, m.checkDeployment(d, bin)...)
	}
	return problems, nil
}

// add decodes one document strictly into its type.
func (m *manifests) add(doc []byte) error {
	var meta struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(doc, &meta); err != nil {
		return err
	}
	gvk := meta.APIVersion + "/" + meta.Kind
	// decode fills obj strictly; keep is called only when that worked, so a
	// broken document reports once and is not checked further.
	decode := func(obj any, keep func()) error {
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			return fmt.Errorf("%s: %w", gvk, err)
		}
		keep()
		return nil
	}
	switch gvk {
	case "v1/Namespace":
		return decode(&corev1.Namespace{}, func() {})
	case "v1/ServiceAccount":
		return decode(&corev1.ServiceAccount{}, func() {})
	case "v1/Secret":
		return decode(&corev1.Secret{}, func() {})
	case "v1/ConfigMap":
		cm := &corev1.ConfigMap{}
		return decode(cm, func() { m.configMaps[cm.Name] = cm })
	case "v1/Service":
		s := &corev1.Service{}
		return decode(s, func() { m.services = append(m.services, s) })
	case "apps/v1/Deployment":
		d := &appsv1.Deployment{}
		return decode(d, func() { m.deployments = append(m.deployments, d) })
	case "autoscaling/v2/HorizontalPodAutoscaler":
		h := &autoscalingv2.HorizontalPodAutoscaler{}
		return decode(h, func() { m.hpas = append(m.hpas, h) })
	case "policy/v1/PodDisruptionBudget":
		p := &policyv1.PodDisruptionBudget{}
		return decode(p, func() { m.pdbs = append(m.pdbs, p) })
	case "networking.k8s.io/v1/NetworkPolicy":
		return decode(&map[string]any{}, func() {}) // schema-checked by kubectl-validate
	default:
		return fmt.Errorf("unexpected kind %s", gvk)
	}
}

func (m *manifests) checkDeployment(d *appsv1.Deployment, bin binary) []string {
	var p []string
	bad := func(format string, args ...any) {
		p = append(p, fmt.Sprintf("Deployment %s: ", d.Name)+fmt.Sprintf(format, args...))
	}
	spec := d.Spec.Template.Spec
	var c *corev1.Container
	for i := range spec.Containers {
		if spec.Containers[i].Name == containerName {
			c = &spec.Containers[i]
		}
	}
	if c == nil {
		bad("no container named %s", containerName)
		return p
	}
	if c.Image == "" {
		bad("container has no image")
	}

	// The configuration the binary would see: variables, then flags.
	cfg := map[string]string{} // flag name → value
	env := map[string]string{}
	for _, ef := range c.EnvFrom {
		switch {
		case ef.ConfigMapRef != nil:
			cm, ok := m.configMaps[ef.ConfigMapRef.Name]
			if !ok {
				if ef.ConfigMapRef.Optional == nil || !*ef.ConfigMapRef.Optional {
					bad("envFrom ConfigMap %s is not among the manifests", ef.ConfigMapRef.Name)
				}
				continue
			}
			for k, v := range cm.Data {
				env[ef.Prefix+k] = v
			}
		case ef.SecretRef != nil:
			bad("envFrom Secret %s: its keys cannot be checked; use env or *_FILE", ef.SecretRef.Name)
		}
	}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	for name, value := range env {
		if !bin.knowsEnv(name) {
			bad("variable %s is not read by pigello-facade", name)
		}
		for f := range bin.flags {
			if envName(f) == name {
				cfg[f] = value
			}
		}
	}
	if len(c.Command) > 0 {
		bad("command overrides the image's entrypoint")
	}
	for _, arg := range c.Args {
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		typ, ok := bin.flags[name]
		switch {
		case !strings.HasPrefix(arg, "-"):
			bad("argument %q is not a flag (the binary takes no arguments)", arg)
		case !ok:
			bad("flag --%s is not a pigello-facade flag", name)
		case typ != "" && !hasValue:
			bad("flag --%s needs --%s=VALUE in one argument", name, name)
		default:
			if !hasValue {
				value = "true"
			}
			cfg[name] = value
		}
	}
	get := func(name string) string {
		if v, ok := cfg[name]; ok {
			return v
		}
		return bin.defaults[name]
	}
	tls := get("tls-cert-file") != ""
	if tls != (get("tls-key-file") != "") {
		bad("--tls-cert-file and --tls-key-file go together")
	}
	tokens := get("auth-tokens-file") != ""
	insecure, _ := strconv.ParseBool(get("insecure"))
	emulator, _ := strconv.ParseBool(get("emulator"))

	// Listeners against container ports.
	ports := map[string]int32{}
	for _, cp := range c.Ports {
		ports[cp.Name] = cp.ContainerPort
	}
	for _, l := range []struct{ flag, port string }{{"grpc-addr", "grpc"}, {"http-addr", "http"}} {
		host, port, err := net.SplitHostPort(get(l.flag))
		if err != nil {
			bad("--%s=%q: %v", l.flag, get(l.flag), err)
			continue
		}
		if n, _ := strconv.Atoi(port); ports[l.port] != int32(n) {
			bad("--%s listens on %s, container port %q is %d", l.flag, port, l.port, ports[l.port])
		}
		if ip := net.ParseIP(host); (ip == nil || !ip.IsLoopback()) && host != "localhost" &&
			!tls && !tokens && !insecure && !emulator {
			bad("--%s listens beyond loopback with neither TLS nor tokens: the binary refuses to start", l.flag)
		}
	}
	if get("credentials-from-metadata") != "true" && !emulator {
		if get("pigello-base-url") == "" {
			bad("PIGELLO_BASE_URL is not set")
		}
		for name := range bin.env {
			if strings.HasSuffix(name, "_FILE") || !strings.HasPrefix(name, "PIGELLO_") || name == "PIGELLO_BASE_URL" {
				continue
			}
			if _, ok := env[name]; !ok {
				if _, ok := env[name+"_FILE"]; !ok {
					bad("credential %s (or %s_FILE) is not set", name, name)
				}
			}
		}
	}

	// Every file the binary reads is mounted, and read-only.
	files := map[string]string{}
	for _, f := range []string{"tls-cert-file", "tls-key-file", "tls-client-ca-file", "auth-tokens-file"} {
		if v := get(f); v != "" {
			files["--"+f] = v
		}
	}
	for name, v := range env {
		if strings.HasSuffix(name, "_FILE") && v != "" {
			files[name] = v
		}
	}
	for what, file := range files {
		if err := mounted(spec, c, file); err != nil {
			bad("%s=%s: %v", what, file, err)
		}
	}

	// Probes: HTTP(S) on the HTTP listener; gRPC probes cannot speak TLS.
	for _, pr := range []struct {
		name  string
		probe *corev1.Probe
		path  string
	}{{"readinessProbe", c.ReadinessProbe, "/readyz"}, {"livenessProbe", c.LivenessProbe, "/healthz"}, {"startupProbe", c.StartupProbe, ""}} {
		probe := pr.probe
		if probe == nil {
			if pr.path != "" {
				bad("no %s", pr.name)
			}
			continue
		}
		switch {
		case probe.HTTPGet != nil:
			h := probe.HTTPGet
			want := corev1.URISchemeHTTP
			if tls {
				want = corev1.URISchemeHTTPS
			}
			if h.Scheme != want {
				bad("%s scheme is %q, the HTTP listener speaks %s", pr.name, h.Scheme, want)
			}
			if h.Port.String() != "http" && h.Port.IntValue() != int(ports["http"]) {
				bad("%s port %s is not the HTTP listener", pr.name, h.Port.String())
			}
			if pr.path != "" && h.Path != pr.path {
				bad("%s path is %s, want %s", pr.name, h.Path, pr.path)
			}
			if get("tls-client-ca-file") != "" {
				bad("%s: with --tls-client-ca-file the kubelet (no client certificate) fails the handshake", pr.name)
			}
		case probe.GRPC != nil:
			if tls {
				bad("%s is a gRPC probe, which cannot speak TLS", pr.name)
			}
			if probe.GRPC.Port != ports["grpc"] {
				bad("%s gRPC port %d is not the gRPC listener", pr.name, probe.GRPC.Port)
			}
		case probe.Exec != nil:
			bad("%s is an exec probe: the image has no shell or tools", pr.name)
		}
	}

	// Scrapers follow the HTTP listener's scheme too.
	if scheme, ok := d.Spec.Template.Annotations["prometheus.io/scheme"]; ok {
		want := map[bool]string{false: "http", true: "https"}[tls]
		if scheme != want {
			bad("annotation prometheus.io/scheme is %q, the HTTP listener speaks %s", scheme, want)
		}
	}

	// Shutdown: preStop, then SIGTERM and up to --shutdown-timeout of drain.
	drain, err := time.ParseDuration(get("shutdown-timeout"))
	if err != nil {
		bad("--shutdown-timeout=%q: %v", get("shutdown-timeout"), err)
	}
	var preStop time.Duration
	if c.Lifecycle != nil && c.Lifecycle.PreStop != nil {
		switch h := c.Lifecycle.PreStop; {
		case h.Sleep != nil:
			preStop = time.Duration(h.Sleep.Seconds) * time.Second
		case h.Exec != nil:
			bad("preStop exec: the image has no shell or sleep binary; use the sleep action")
		}
	}
	grace := 30 * time.Second
	if spec.TerminationGracePeriodSeconds != nil {
		grace = time.Duration(*spec.TerminationGracePeriodSeconds) * time.Second
	}
	if grace <= preStop+drain {
		bad("terminationGracePeriodSeconds (%v) must exceed preStop (%v) + --shutdown-timeout (%v)", grace, preStop, drain)
	}

	// Restricted security context (container settings, else the pod's).
	sc, psc := c.SecurityContext, spec.SecurityContext
	if sc == nil {
		sc = &corev1.SecurityContext{}
	}
	if psc == nil {
		psc = &corev1.PodSecurityContext{}
	}
	isTrue := func(b *bool) bool { return b != nil && *b }
	if !isTrue(sc.RunAsNonRoot) && !isTrue(psc.RunAsNonRoot) {
		bad("runAsNonRoot is not set")
	}
	if uid := firstInt(sc.RunAsUser, psc.RunAsUser); uid == nil || *uid == 0 {
		bad("runAsUser must be a non-zero uid (the image's is 65532)")
	}
	if !isTrue(sc.ReadOnlyRootFilesystem) {
		bad("readOnlyRootFilesystem is not true")
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		bad("allowPrivilegeEscalation is not false")
	}
	if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
		bad("capabilities do not drop ALL")
	}
	seccomp := sc.SeccompProfile
	if seccomp == nil {
		seccomp = psc.SeccompProfile
	}
	if seccomp == nil || seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault {
		bad("seccompProfile is not RuntimeDefault")
	}
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := c.Resources.Requests[r]; !ok {
			bad("no %s request", r)
		}
		if _, ok := c.Resources.Limits[r]; !ok {
			bad("no %s limit", r)
		}
	}

	// What points at the Deployment.
	podLabels := labels.Set(d.Spec.Template.Labels)
	for _, s := range m.services {
		if len(s.Spec.Selector) == 0 || !labels.SelectorFromSet(s.Spec.Selector).Matches(podLabels) {
			continue
		}
		for _, sp := range s.Spec.Ports {
			if sp.TargetPort.String() != "" && sp.TargetPort.IntValue() == 0 {
				if _, ok := ports[sp.TargetPort.String()]; !ok {
					bad("Service %s port %s targets %q, no such container port", s.Name, sp.Name, sp.TargetPort.String())
				}
			}
		}
	}
	if !slices.ContainsFunc(m.services, func(s *corev1.Service) bool {
		return len(s.Spec.Selector) > 0 && labels.SelectorFromSet(s.Spec.Selector).Matches(podLabels)
	}) {
		bad("no Service selects its pods")
	}
	for _, h := range m.hpas {
		if h.Spec.ScaleTargetRef.Kind == "Deployment" && h.Spec.ScaleTargetRef.Name == d.Name {
			if h.Spec.MinReplicas != nil && d.Spec.Replicas != nil && *d.Spec.Replicas < *h.Spec.MinReplicas {
				bad("replicas %d below the HPA's minReplicas %d", *d.Spec.Replicas, *h.Spec.MinReplicas)
			}
		}
	}
	for _, pdb := range m.pdbs {
		sel := pdb.Spec.Selector
		if sel == nil || !labels.SelectorFromSet(sel.MatchLabels).Matches(podLabels) {
			p = append(p, fmt.Sprintf("PodDisruptionBudget %s does not select Deployment %s's pods", pdb.Name, d.Name))
		}
	}
	return p
}

func firstInt(v ...*int64) *int64 {
	for _, x := range v {
		if x != nil {
			return x
		}
	}
	return nil
}

// mounted reports whether file lies in a read-only Secret or ConfigMap mount
// of the container, among the volume's items when it lists them.
func mounted(spec corev1.PodSpec, c *corev1.Container, file string) error {
	for _, vm := range c.VolumeMounts {
		rel, ok := strings.CutPrefix(path.Clean(file), path.Clean(vm.MountPath)+"/")
		if !ok {
			continue
		}
		if vm.SubPath != "" {
			return fmt.Errorf("mounted with subPath %s: updates never reach it", vm.SubPath)
		}
		if !vm.ReadOnly {
			return fmt.Errorf("mount %s is not readOnly", vm.MountPath)
		}
		for _, v := range spec.Volumes {
			if v.Name != vm.Name {
				continue
			}
			var items []corev1.KeyToPath
			switch {
			case v.Secret != nil:
				items = v.Secret.Items
			case v.ConfigMap != nil:
				items = v.ConfigMap.Items
			default:
				return fmt.Errorf("volume %s is neither a Secret nor a ConfigMap", v.Name)
			}
			if len(items) > 0 && !slices.ContainsFunc(items, func(k corev1.KeyToPath) bool { return k.Path == rel }) {
				return fmt.Errorf("volume %s lists items without %s", v.Name, rel)
			}
			return nil
		}
		return fmt.Errorf("no volume %s", vm.Name)
	}
	return errors.New("not under any volume mount")
}
