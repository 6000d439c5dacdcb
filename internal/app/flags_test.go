package app

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pigello-facade/pigello-facade/upstream"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite the README's flag tables from flagDefs")

// readmeFile is the README, from this package's directory.
const readmeFile = "../../README.md"

// flagTable matches one generated table of the README: the marker naming
// its group, the table, the end marker.
var flagTable = regexp.MustCompile(`(?s)(<!-- flag table: ([^>]*?) -->\n)(.*?)(<!-- end of flag table -->)`)

// TestREADMEFlagTables checks the README's flag tables say what flagDefs
// says: every flag of each group with its variable, default, allowed values
// and meaning. `go test ./internal/app -run TestREADMEFlagTables -update-readme`
// rewrites them.
func TestREADMEFlagTables(t *testing.T) {
	readme, err := os.ReadFile(readmeFile)
	if err != nil {
		t.Fatal(err)
	}
	var cfg Config
	defs := flagDefs(&cfg)
	seen := map[flagGroup]bool{}
	updated := flagTable.ReplaceAllStringFunc(string(readme), func(table string) string {
		m := flagTable.FindStringSubmatch(table)
		group := flagGroup(m[2])
		seen[group] = true
		want := readmeTable(defs, group)
		if diff := cmp.Diff(want, m[3]); diff != "" && !*updateREADME {
			t.Errorf("README table %q differs from flagDefs (-want +got); run with -update-readme:\n%s", group, diff)
		}
		return m[1] + want + m[4]
	})
	for _, g := range flagGroups {
		if !seen[g] {
			t.Errorf("README has no table <!-- flag table: %s -->", g)
		}
	}
	if *updateREADME {
		if err := os.WriteFile(readmeFile, []byte(updated), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readmeTable renders the Markdown table of one group's flags.
func readmeTable(defs []flagDef, group flagGroup) string {
	var b strings.Builder
	b.WriteString("| flag | variable | default | allowed | |\n|---|---|---|---|---|\n")
	for _, d := range defs {
		if d.group != group {
			continue
		}
		env, def := "— (command line only)", "—"
		if d.env() != "" {
			env = "`" + d.env() + "`"
		}
		switch {
		case d.value.defaultText() != "":
			def = "`" + d.value.defaultText() + "`"
		case d.value.kind() == "": // a boolean
			def = "`false`"
		}
		fmt.Fprintf(&b, "| `--%s` | %s | %s | %s | %s |\n", d.name, env, def, d.value.rule(), d.usage)
	}
	return b.String()
}

// TestHelpShowsEveryRule: --help lists each flag with its variable, what
// is allowed and its default, and writes nothing else but the help.
func TestHelpShowsEveryRule(t *testing.T) {
	var out syncBuffer
	if err := Run(t.Context(), []string{"--help"}, func(string) string { return "" }, &out); err != nil {
		t.Fatalf("Run --help returned %v, want nil", err)
	}
	help := out.String()
	var cfg Config
	for _, d := range flagDefs(&cfg) {
		want := "  -" + d.name
		if d.value.kind() != "" {
			want += " " + d.value.kind() + "\n    \t" + d.usage + " [" + d.env() + "]\n    \tallowed: " + d.value.rule()
		}
		if !strings.Contains(help, want) {
			t.Errorf("--help lacks %q:\n%s", want, help)
		}
	}
	for _, k := range upstream.CredentialList() {
		if want := "  " + k.EnvVar() + "\n"; !strings.Contains(help, want) {
			t.Errorf("--help lacks the credential variable line %q", want)
		}
	}
	for _, want := range []string{
		"  allowed: at most 256 bytes of printable ASCII (space to ~), not beginning or ending with a space\n",
		"allowed: 1 to 67108864 (default 1048576)\n",
		"allowed: more than 0s (default 5s)\n",
		"allowed: 1 to 10 (default 3)\n",
		"allowed: more than 0, at most 1 (default 0.5)\n",
		"allowed: debug, info, warn or error (default \"info\")\n",
		"[FACADE_INSECURE_UPSTREAM]\n",
		"  -version\n    \tprint the version and exit\n", // no variable
	} {
		if !strings.Contains(help, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}
