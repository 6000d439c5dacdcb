package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/pigello-facade/pigello-facade/emulator"
)

// printUsage writes --help: every flag of fs with its variable, the
// credential variables with the demo values, and the emulator's own
// endpoints. Each list is read from where the thing is defined (the flag
// set, credentialEnv, emulator.ControlEndpoints), so the text cannot miss
// one.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `Usage: pigello-emulator [flags]

A strict, in-memory Pigello (the Accounts API's work engagements, three demo
records) for local runs and integration tests. It serves until SIGINT or
SIGTERM.

Flags (a variable sets a flag's default; the command line wins):
`)
	printFlags(w, fs)
	fmt.Fprint(w, `
Credentials: every request to Pigello's paths must carry the seven headers.
Set all seven variables to choose the values, or none for the public demo ones:
`)
	printCredentials(w)
	fmt.Fprint(w, `
A scripted fault applies before the credential check: a request without (or
with wrong) credentials still gets the fault. A credential header sent twice
is 401, whether its second value differs or not.

Endpoints of the emulator's own (no credentials; never recorded or faulted;
any other path under /_emulator/ is 404):
`)
	printEndpoints(w)
}

func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  --%s", f.Name)
		if arg != "" {
			fmt.Fprintf(w, " %s", arg)
		}
		fmt.Fprintf(w, "\n        %s\n        %s\n", usage, flagDetails(f))
	})
	fmt.Fprint(w, "  -h, --help\n        print this help and exit\n")
}

// flagDetails says a flag's default and variable.
func flagDetails(f *flag.Flag) string {
	var parts []string
	if f.DefValue != "" && f.DefValue != "false" {
		parts = append(parts, "default "+f.DefValue)
	}
	if env := envName(f.Name); env != "" {
		parts = append(parts, "variable "+env)
	} else {
		parts = append(parts, "no variable")
	}
	return strings.Join(parts, "; ")
}

func printCredentials(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	demo := emulator.DemoCredentials()
	for _, v := range credentialEnv(&demo) {
		fmt.Fprintf(tw, "  %s\t%s\tdemo: %s\n", v.env, v.header, *v.value)
	}
	_ = tw.Flush() // a help text has nowhere to report a failed write
}

func printEndpoints(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, ep := range emulator.ControlEndpoints() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", ep.Method, ep.Path, ep.Doc)
	}
	_ = tw.Flush()
}
