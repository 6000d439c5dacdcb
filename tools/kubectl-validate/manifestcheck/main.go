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
// --drain-delay plus --shutdown-timeout, the drain delay outlasts the readiness probe's failureThreshold ×
// periodSeconds, the security context is restricted, resources are set, a
// memory budget set by GOMEMLIMIT or --memory-limit stays below
// limits.memory (else the budget follows it), and Services, the HPA and the
// PDB point at the Deployment.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
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
