package emulator

import "encoding/json"

// Demo ids are fixed so that READMEs and other teams' tests can quote them.
const (
	demoOrgAcme   = "0b7e3c2a-5f1d-4a8e-b6c4-2e9f1a3d5c70"
	demoOrgGlobex = "6d4f2a8c-1e3b-4c5d-9a7f-8b0e2d4c6a81"

	demoRecordFull    = "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"
	demoRecordEmpty   = "8a1c4e7f-2b3d-4f5a-8e6c-9d0b1a2c3e42"
	demoRecordPartial = "c5d7e9f1-4a6b-4c8d-a0e2-f3b5c7d9e153"
)

func demoOrganizationIDs() []string {
	return []string{demoOrgAcme, demoOrgGlobex}
}

func demoRecordIDs() []string {
	return []string{demoRecordFull, demoRecordEmpty, demoRecordPartial}
}

// demoRecords returns records chosen to exercise a client's decoding: one
// with every field set, one with every nullable field null (and a created_at
// without a fraction, as isoformat writes it), and one in between with empty
// and null-holding arrays.
func demoRecords() []record {
	return []record{
		{
			ID:                         demoRecordFull,
			Name:                       "Full-time employment",
			Organization:               &orgRef{ID: demoOrgAcme},
			CustomID:                   ptr("WE-0001"),
			ColorCode:                  ptr("1E90ff"),
			TemplateNotifications:      json.RawMessage(`[{"id":"5e0c1f3a-8d2b-4b7e-9f4a-6c1d2e3f4a5b"},{"id":"7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"}]`),
			TemplateSMSNotifications:   json.RawMessage(`[{"id":"9b8a7c6d-5e4f-4d3c-a2b1-0f9e8d7c6b5a"}]`),
			TemplateEmailNotifications: json.RawMessage(`[null]`),
			Tags:                       json.RawMessage(`[{"id":"2c4e6a8b-1d3f-4e5a-b7c9-0a2b4c6d8e0f","name":"Priority"}]`),
			CustomerColumns:            json.RawMessage(`{"cost_center":"4100","headcount":12}`),
			CreatedAt:                  "2024-01-15T09:30:00.123456Z",
		},
		{
			ID:        demoRecordEmpty,
			Name:      "Internship",
			CreatedAt: "2024-03-01T08:00:00Z",
		},
		{
			ID:                       demoRecordPartial,
			Name:                     "Part-time, 50 %",
			Organization:             &orgRef{ID: demoOrgGlobex},
			CustomID:                 ptr(""),
			TemplateNotifications:    json.RawMessage(`[]`),
			TemplateSMSNotifications: json.RawMessage(`[null]`),
			CustomerColumns:          json.RawMessage(`{}`),
			CreatedAt:                "2025-06-30T12:45:10.500000Z",
		},
	}
}

func ptr[T any](v T) *T { return &v }
