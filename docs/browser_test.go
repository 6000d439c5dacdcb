package docs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
)

// demoID is a work engagement the embedded emulator always has.
const demoID = "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"

// Swagger UI's elements for the operations.
const (
	createOp = "#operations-WorkEngagementService-WorkEngagementService_CreateWorkEngagement"
	listOp   = "#operations-WorkEngagementService-WorkEngagementService_ListWorkEngagements"
	getOp    = "#operations-WorkEngagementService-WorkEngagementService_GetWorkEngagement"
	patchOp  = "#operations-WorkEngagementService-WorkEngagementService_UpdateWorkEngagement"
	deleteOp = "#operations-WorkEngagementService-WorkEngagementService_DeleteWorkEngagement"
)

// TestSwaggerUIInChromium opens /docs in headless Chromium on a facade
// running on its embedded emulator, finds the five operations and runs
// GetWorkEngagement, then CreateWorkEngagement and ListWorkEngagements as
// Try it out pre-fills them, with no tokens and with a bearer token given
// in the Authorize dialog: the create's example body makes a work
// engagement, which the list's example parameters find. It also checks
// that the page loads nothing from anywhere but the facade and breaks none
// of its own Content-Security-Policy.
//
// Each step waits for what the page shows once it has done its work, with
// no time budget: a cold build under -race can make Chromium many times
// slower, and only hangGuard, a last resort, bounds the whole.
//
// It needs Debian's chromium (or $CHROMIUM): without it the test skips,
// except under CI, where it fails.
func TestSwaggerUIInChromium(t *testing.T) {
	chromium := chromiumPath(t)
	for _, tt := range []struct{ name, token string }{
		{"no tokens", ""},
		{"bearer token", "docs-test-token"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base := startFacade(t, tt.token)
			ctx := newTab(t, chromium)
			do(t, ctx, "open /docs", chromedp.Navigate(base+"/docs"),
				chromedp.WaitVisible(chromedp.CSS(createOp)),
				chromedp.WaitVisible(chromedp.CSS(listOp)),
				chromedp.WaitVisible(chromedp.CSS(getOp)),
				chromedp.WaitVisible(chromedp.CSS(patchOp)),
				chromedp.WaitVisible(chromedp.CSS(deleteOp)))

			ops := run(t, ctx, "list operations", chromedp.Evaluate[[]string](`[...document.querySelectorAll('.opblock')].map(op =>
				op.querySelector('.opblock-summary-method').textContent + ' ' +
				op.querySelector('.opblock-summary-path').dataset.path)`))
			slices.Sort(ops)
			want := []string{"DELETE /v1/workEngagements/{id}", "GET /v1/workEngagements", "GET /v1/workEngagements/{id}", "PATCH /v1/workEngagements/{id}", "POST /v1/workEngagements"}
			if diff := cmp.Diff(want, ops); diff != "" {
				t.Errorf("operations on the page (-want +got):\n%s", diff)
			}

			if tt.token != "" {
				authorize(t, ctx, tt.token)
			}
			status, body := tryGet(t, ctx, demoID)
			if status != "200" || !strings.Contains(body, `"name": "Full-time employment"`) {
				t.Errorf("Try it out on GET %s: status %q, body\n%s\nwant 200 and the work engagement", demoID, status, body)
			}
			created := tryCreate(t, ctx)
			tryList(t, ctx, created)
			// Open the rest of the page, so the policy check covers it too.
			do(t, ctx, "expand PATCH", expand(patchOp))
			do(t, ctx, "expand DELETE", expand(deleteOp))
			do(t, ctx, "expand the models", chromedp.Click(chromedp.CSS(".models-control")), until(modelsShown))
			screenshot(t, ctx)
			checkPageHealth(t, ctx)
		})
	}
}

// authorize gives the Authorize dialog a bare token, as a person would.
func authorize(t *testing.T, ctx context.Context, token string) {
	t.Helper()
	input := ".modal-ux .auth-container input"
	do(t, ctx, "open the Authorize dialog", chromedp.Click(chromedp.CSS(".auth-wrapper .authorize")),
		chromedp.WaitVisible(chromedp.CSS(input)))
	do(t, ctx, "type the token", chromedp.SendKeys(chromedp.CSS(input), token), until(valueIs(input, token)))
	// The dialog's Authorize button gives way to Logout once the token is taken.
	do(t, ctx, "authorize", chromedp.Click(chromedp.CSS(".modal-ux .auth-btn-wrapper .authorize")),
		chromedp.WaitNotPresent(chromedp.CSS(".modal-ux .auth-btn-wrapper .authorize")))
	do(t, ctx, "close the dialog", chromedp.Click(chromedp.CSS(".modal-ux .btn-done")),
		chromedp.WaitNotPresent(chromedp.CSS(".modal-ux")),
		chromedp.WaitVisible(chromedp.CSS(".auth-wrapper .authorize.locked")))
}

// tryGet runs GetWorkEngagement for id through Try it out and returns the
// response's status and body as the page shows them.
func tryGet(t *testing.T, ctx context.Context, id string) (status, body string) {
	t.Helper()
	idInput := getOp + ` tr[data-param-name="id"] input`
	tryItOut(t, ctx, "GET", getOp)
	// Replace the example Swagger UI fills in, as a person would.
	do(t, ctx, "type the id", chromedp.Click(chromedp.CSS(idInput)),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(id), until(valueIs(idInput, id)))
	return execute(t, ctx, "GET", getOp)
}

// tryCreate runs CreateWorkEngagement through Try it out with the body the
// page pre-fills, checks that it made a work engagement, and returns its
// id.
func tryCreate(t *testing.T, ctx context.Context) string {
	t.Helper()
	tryItOut(t, ctx, "POST", createOp)
	// The example body is in the editor before Execute is pressed.
	editor := createOp + " .body-param textarea"
	do(t, ctx, "wait for the example body", until(fmt.Sprintf(`(document.querySelector(%q)?.value ?? '').includes('"name"')`, editor)))
	status, body := execute(t, ctx, "POST", createOp)
	var created struct{ ID, Name string }
	if err := json.Unmarshal([]byte(body), &created); status != "200" || err != nil || created.ID == "" || created.Name == "" {
		t.Fatalf("Try it out on POST: status %q, body\n%s\nwant 200 and the new work engagement (%v)", status, body, err)
	}
	return created.ID
}

// tryList runs ListWorkEngagements through Try it out with the parameters
// the page pre-fills and checks that the page it answers holds created.
func tryList(t *testing.T, ctx context.Context, created string) {
	t.Helper()
	tryItOut(t, ctx, "GET /v1/workEngagements", listOp)
	filter := listOp + ` tr[data-param-name="filter"] input`
	do(t, ctx, "wait for the example filter", until(fmt.Sprintf(`(document.querySelector(%q)?.value ?? '') !== ''`, filter)))
	status, body := execute(t, ctx, "GET /v1/workEngagements", listOp)
	var page struct {
		WorkEngagements []struct{ ID string } `json:"work_engagements"`
	}
	if err := json.Unmarshal([]byte(body), &page); status != "200" || err != nil {
		t.Fatalf("Try it out on GET /v1/workEngagements: status %q, body\n%s\nwant 200 and a page (%v)", status, body, err)
	}
	if !slices.ContainsFunc(page.WorkEngagements, func(we struct{ ID string }) bool { return we.ID == created }) {
		t.Errorf("Try it out on GET /v1/workEngagements: page\n%s\nwant it to hold %s, made by Try it out on POST", body, created)
	}
}

// tryItOut opens op and presses Try it out, which makes its parameters and
// body editable and shows Execute.
func tryItOut(t *testing.T, ctx context.Context, name, op string) {
	t.Helper()
	do(t, ctx, "expand "+name, expand(op))
	do(t, ctx, "try it out on "+name, chromedp.Click(chromedp.CSS(op+" .try-out__btn")),
		chromedp.WaitVisible(chromedp.CSS(op+" .execute")))
}

// execute presses op's Execute and returns the response's status and body
// as the page shows them.
func execute(t *testing.T, ctx context.Context, name, op string) (status, body string) {
	t.Helper()
	statusCell := op + " .live-responses-table tbody .response-col_status"
	do(t, ctx, "execute "+name, chromedp.Click(chromedp.CSS(op+" .execute")),
		chromedp.WaitVisible(chromedp.CSS(statusCell)))
	status = run(t, ctx, "read status", chromedp.Text(chromedp.CSS(statusCell)))
	body = run(t, ctx, "read body", chromedp.Text(chromedp.CSS(op+" .live-responses-table tbody .response-col_description pre")))
	return strings.TrimSpace(status), body
}

// watchPage runs before the page's own scripts and records what the checks
// in checkPageHealth read.
const watchPage = `window.__docsTest = {violations: [], errors: []};
document.addEventListener('securitypolicyviolation', e =>
	window.__docsTest.violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.addEventListener('error', e => window.__docsTest.errors.push(String(e.message)));`

// checkPageHealth fails on policy violations, script errors and any request
// to another origin.
func checkPageHealth(t *testing.T, ctx context.Context) {
	t.Helper()
	report := run(t, ctx, "read the page's report", chromedp.Evaluate[struct{ Violations, Errors, Foreign []string }](`({
		violations: window.__docsTest.violations,
		errors: window.__docsTest.errors,
		foreign: performance.getEntriesByType('resource').map(e => e.name)
			.filter(u => !u.startsWith('data:') && new URL(u).origin !== location.origin),
	})`))
	for what, list := range map[string][]string{
		"Content-Security-Policy violations": report.Violations,
		"script errors":                      report.Errors,
		"requests to other origins":          report.Foreign,
	} {
		if len(list) > 0 {
			t.Errorf("%s on /docs: %q", what, list)
		}
	}
}

// screenshot saves the page as PNG to $DOCS_SCREENSHOT, or to a temporary
// file, so a person can look at what the test saw.
func screenshot(t *testing.T, ctx context.Context) {
	t.Helper()
	png := run(t, ctx, "screenshot", chromedp.FullScreenshot(100))
	name := os.Getenv("DOCS_SCREENSHOT")
	if name == "" {
		name = filepath.Join(t.TempDir(), "docs.png")
	}
	if err := os.WriteFile(name, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", name, len(png))
}

// chromiumPath finds the browser: $CHROMIUM, else chromium on PATH.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	p, err := exec.LookPath("chromium")
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("chromium not found (%v); CI must install it: apt-get install -y chromium", err)
	}
	t.Skipf("chromium not found (%v); install it with apt-get install -y chromium to run this test", err)
	return ""
}

// hangGuard bounds a whole subtest, Chromium's start included. It is a last
// resort against a browser that hangs, so that the test fails naming the
// step it hung in rather than being killed by go test's -timeout; the steps
// themselves wait for what the page shows, however long a busy machine
// takes to get there.
const hangGuard = 4 * time.Minute

// newTab starts Chromium with the flags that work on a closed network and
// returns its tab, which lives until the subtest ends or hangGuard passes.
func newTab(t *testing.T, chromium string) context.Context {
	t.Helper()
	limit := hangGuard
	if deadline, ok := t.Deadline(); ok && time.Until(deadline)-30*time.Second < limit {
		limit = time.Until(deadline) - 30*time.Second
	}
	guard, cancelGuard := context.WithTimeout(context.Background(), limit)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1024),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(guard, opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelGuard()
	})
	do(t, ctx, "start chromium")
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: watchPage}); err != nil {
		t.Fatalf("add page watcher: %v", err)
	}
	return ctx
}

// expand opens an operation by its summary and waits until its body shows.
func expand(op string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Click(chromedp.CSS(op+" .opblock-summary-control")),
		chromedp.WaitVisible(chromedp.CSS(op+".is-open .opblock-body")))
}

// modelsShown holds once the models section is open and shows a model. The
// section is "Models" for Swagger 2.0 and "Schemas" for OpenAPI 3, with the
// same classes; OpenAPI 3.1's schemas render as .json-schema-2020-12.
const modelsShown = `(() => {
	const models = document.querySelector('.models.is-open');
	return models !== null && models.querySelector('.model-container, .json-schema-2020-12') !== null;
})()`

// valueIs holds once the input selected by sel holds want, as the page's
// own state has it after the keystrokes.
func valueIs(sel, want string) string {
	return fmt.Sprintf(`document.querySelector(%q)?.value === %q`, sel, want)
}

// until waits, with no time limit of its own, for the JavaScript expression
// to hold.
func until(expression string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expression,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0))
}

// do runs one step. Its duration is logged, not checked: it tells where a
// slow run spent its time.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	start := time.Now()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s (after %v): %v", what, time.Since(start).Round(time.Millisecond), err)
	}
	t.Logf("%s: %v", what, time.Since(start).Round(time.Millisecond))
}

func run[T any](t *testing.T, ctx context.Context, what string, action chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}
