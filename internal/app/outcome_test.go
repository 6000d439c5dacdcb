package app

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pigello-facade/pigello-facade/emulator"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// renameTo makes an update of one record's name over gRPC or REST and
// returns its error as a status, nil on success.
type renameTo func(t *testing.T, env *testEnv, id, name string) *status.Status

func renameGRPC(t *testing.T, env *testEnv, id, name string) *status.Status {
	_, err := env.client.UpdateWorkEngagement(callCtx(t), &accountsv1.UpdateWorkEngagementRequest{
		WorkEngagement: &accountsv1.WorkEngagement{Id: id, Name: name},
		UpdateMask:     &fieldmaskpb.FieldMask{Paths: []string{"name"}},
	})
	if err == nil {
		return nil
	}
	return status.Convert(err)
}

func renameREST(t *testing.T, env *testEnv, id, name string) *status.Status {
	code, body := env.send(t, http.MethodPatch, workEngagementsPath(id)+"?update_mask=name", strings.NewReader(`{"name": "`+name+`"}`))
	if code == http.StatusOK {
		return nil
	}
	if code != http.StatusServiceUnavailable {
		t.Errorf("PATCH returned %d %s, want 503", code, body)
	}
	return restError(t, body, codes.Unavailable, "")
}

// TestLostAnswerToAnUpdate: an update Pigello applied before the connection
// dropped is UNAVAILABLE with PIGELLO_OUTCOME_UNKNOWN, saying the change may
// or may not have been applied, and is not sent again; one that could not
// be sent at all stays PIGELLO_UNREACHABLE. Over gRPC and REST alike.
func TestLostAnswerToAnUpdate(t *testing.T) {
	for over, rename := range map[string]renameTo{"gRPC": renameGRPC, "REST": renameREST} {
		t.Run(over+" applied, then the connection dropped", func(t *testing.T) {
			env := setup(t, resilient)
			id := env.demo().full
			match := emulator.Match{Method: http.MethodPatch, ID: id}
			env.emu.Script(match, emulator.Fault{ServeThenClose: true})
			st := rename(t, env, id, "Applied, unheard")
			assertStatus(t, st.Err(), codes.Unavailable, "PIGELLO_OUTCOME_UNKNOWN")
			if !strings.Contains(st.Message(), "may or may not have been applied") {
				t.Errorf("message %q does not say the change may have been applied", st.Message())
			}
			if n := env.emu.Count(match); n != 1 {
				t.Errorf("Pigello got %d PATCH requests, want 1: an update whose answer is lost is not sent again", n)
			}
			we, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: id})
			if err != nil || we.GetName() != "Applied, unheard" {
				t.Errorf("Get after the lost answer = %v, %v; want the update applied by Pigello", we, err)
			}
		})
		t.Run(over+" dial refused", func(t *testing.T) {
			env := startFacade(t, "http://"+testkit.ClosedAddr(t), testCreds, resilient)
			st := rename(t, env, missingID, "Never sent")
			assertStatus(t, st.Err(), codes.Unavailable, "PIGELLO_UNREACHABLE")
			if strings.Contains(st.Message(), "applied") {
				t.Errorf("message %q speaks of the change being applied, though it never left", st.Message())
			}
		})
	}
}
