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
	printList(w)
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

// printList describes GET list/: its parameters, read from the emulator's
// own lists, and the choices it makes where Pigello documents none.
func printList(w io.Writer) {
	fmt.Fprint(w, `
List: GET /accounts/users/organization/workengagement/list/, with the same
credentials (POST list/, Pigello's Bulk write, is not emulated). Parameters:
`)
	printParam(w, "_page, _page_size", fmt.Sprintf("set together: integers >= 1, _page_size <= %d "+
		"(above is 400, not clamped); neither: every record at once; a page past "+
		"the end is an empty page (200) in either envelope", emulator.MaxPageSize))
	printParam(w, "_order_by", "comma list of "+strings.Join(emulator.ListOrderFields(), ", ")+
		", each optionally after a - for descending (-name,id); ties, and no _order_by: created_at, id")
	printParam(w, "_search", "terms split on spaces and commas, each found (any case) in name or custom_id")
	for _, f := range emulator.ListFilters() {
		printParam(w, f.Field, "lookups "+strings.Join(f.Lookups, ", "))
	}
	fmt.Fprint(w, `  A filter is field=value (exact) or field__lookup=value; a ! ending its name
  negates it (color_code!=abc keeps null ones); all apply together. __in takes
  a comma list, __isnull true or false, a date-time RFC 3339 with an offset
  (2024-01-01T00:00:00Z; + sent as %2B). Any other parameter (_slim, _jsonl,
  _statistics, tags, ...), a blank, malformed or repeated value is 400 naming
  it: a Pigello that ignored it would widen the list unseen.
--list-envelope paginated answers {"count", "next", "previous", "results"}
with absolute next/previous links (null at the ends, or with no _page).
`)
}

// printParam writes one parameter and its description, wrapped at 80
// columns under a column of its own.
func printParam(w io.Writer, name, text string) {
	const column = 20 // where descriptions start, less the space before each word
	line := fmt.Sprintf("  %-*s", column-2, name)
	for i, word := range strings.Fields(text) {
		if i > 0 && len(line)+1+len(word) > 80 {
			fmt.Fprintln(w, line)
			line = strings.Repeat(" ", column)
		}
		line += " " + word
	}
	fmt.Fprintln(w, line)
}

func printEndpoints(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, ep := range emulator.ControlEndpoints() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", ep.Method, ep.Path, ep.Doc)
	}
	_ = tw.Flush()
}
