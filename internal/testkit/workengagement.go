package testkit

// FullWorkEngagement is a work engagement as Pigello might send it with
// every field set: an upper-case id, null template items, an organization
// with a member the contract does not hold, and a member added after the
// contract was written.
const FullWorkEngagement = `{
  "id": "497F6ECA-6276-4993-BFEB-53CBBBBA6F08",
  "organization": {"id": "9b2c6f7e-1d2a-4c3b-8e4f-5a6b7c8d9e0f", "str_representation": "Org"},
  "custom_id": "C-1",
  "template_notifications": [{"kind": "a", "n": [1, 2]}, null],
  "tags": ["x", {"y": 1}],
  "color_code": "ff00aa",
  "created_at": "2019-08-24T14:15:22.123456+02:00",
  "template_sms_notifications": [],
  "template_email_notifications": [null],
  "customer_columns": {"col": [1, 2.5, "three"]},
  "name": "Consultant",
  "field_added_later": {"a": 1}
}`
