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
// memory budget set by --memory-limit is at most limits.memory and a soft
// limit set by GOMEMLIMIT below it (else the budget is limits.memory), and
// Services, the HPA and the PDB point at the Deployment.
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
	decode, ok := m.decoders()[gvk]
	if !ok {
		return fmt.Errorf("unexpected kind %s", gvk)
	}
	if err := decode(doc); err != nil {
		return fmt.Errorf("%s: %w", gvk, err)
	}
	return nil
}

// decoders are the kinds a rendered deployment may hold, each decoding a
// document strictly into its Go type and filing it in m.
func (m *manifests) decoders() map[string]func(doc []byte) error {
	return map[string]func([]byte) error{
		"v1/Namespace":                           strictly[corev1.Namespace](nil),
		"v1/ServiceAccount":                      strictly[corev1.ServiceAccount](nil),
		"v1/Secret":                              strictly[corev1.Secret](nil),
		"v1/ConfigMap":                           strictly(func(cm *corev1.ConfigMap) { m.configMaps[cm.Name] = cm }),
		"v1/Service":                             strictly(appendTo(&m.services)),
		"apps/v1/Deployment":                     strictly(appendTo(&m.deployments)),
		"autoscaling/v2/HorizontalPodAutoscaler": strictly(appendTo(&m.hpas)),
		"policy/v1/PodDisruptionBudget":          strictly(appendTo(&m.pdbs)),
		"networking.k8s.io/v1/NetworkPolicy":     strictly[map[string]any](nil), // schema-checked by kubectl-validate
	}
}

// strictly returns a decoder of a T (unknown fields, wrong types and
// malformed quantities fail) that hands it to keep, if any, only when the
// whole document decoded: a broken document reports once and is not checked
// further.
func strictly[T any](keep func(*T)) func(doc []byte) error {
	return func(doc []byte) error {
		obj := new(T)
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			return err
		}
		if keep != nil {
			keep(obj)
		}
		return nil
	}
}

// appendTo returns a keep that appends to list.
func appendTo[T any](list *[]*T) func(*T) {
	return func(obj *T) { *list = append(*list, obj) }
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
