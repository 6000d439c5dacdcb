package server

import (
	"encoding/json"
	"fmt"
	"strings"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/structpb"
)

// writable is a set of the fields an update can write.
type writable uint8

const (
	wName writable = 1 << iota
	wOrganization
	wCustomID
	wColorCode
	wTemplateNotifications
	wTemplateSMSNotifications
	wTemplateEmailNotifications

	wAll = wName | wOrganization | wCustomID | wColorCode |
		wTemplateNotifications | wTemplateSMSNotifications | wTemplateEmailNotifications
)

// maskPaths maps every update_mask path the contract accepts to the field it
// writes. "organization.id" is what grpc-gateway derives from a nested body;
// Pigello replaces the reference as a whole, so it means organization.
var maskPaths = map[string]writable{
	"*":                            wAll,
	"name":                         wName,
	"organization":                 wOrganization,
	"organization.id":              wOrganization,
	"custom_id":                    wCustomID,
	"color_code":                   wColorCode,
	"template_notifications":       wTemplateNotifications,
	"template_sms_notifications":   wTemplateSMSNotifications,
	"template_email_notifications": wTemplateEmailNotifications,
}

// patchFor turns an update request into the PATCH Pigello gets: exactly the
// selected writable fields, null for those left unset (AIP-134).
func patchFor(we *accountsv1.WorkEngagement, mask *fieldmaskpb.FieldMask) (upstream.Patch, error) {
	selected, err := selectFields(we, mask)
	if err != nil {
		return upstream.Patch{}, err
	}
	return buildPatch(we, selected)
}

// selectFields applies the mask rules: no mask selects the populated writable
// fields; otherwise every path must name a writable field or be "*".
func selectFields(we *accountsv1.WorkEngagement, mask *fieldmaskpb.FieldMask) (writable, error) {
	var selected writable
	var bad invalidArgumentError
	for _, p := range mask.GetPaths() {
		f, ok := maskPaths[p]
		if !ok {
			bad.add("update_mask", fmt.Sprintf("path %q names no writable field; writable: %s", p, writableNames))
			continue
		}
		selected |= f
	}
	if len(mask.GetPaths()) == 0 {
		selected = populated(we)
	}
	switch {
	case len(bad.violations) > 0:
		return 0, &bad
	case selected == 0:
		bad.add("update_mask", "the update selects no writable field, so there is nothing to change")
		return 0, &bad
	case selected&wName != 0 && we.GetName() == "":
		bad.add("work_engagement.name", "name cannot be cleared: Pigello requires it")
		return 0, &bad
	}
	return selected, nil
}

var writableNames = strings.Join([]string{
	"name", "organization", "custom_id", "color_code",
	"template_notifications", "template_sms_notifications", "template_email_notifications",
}, ", ")

// populated returns the writable fields that hold a value. A proto list
// cannot tell [] from unset, so an empty template list is not populated.
func populated(we *accountsv1.WorkEngagement) writable {
	var f writable
	set := func(ok bool, field writable) {
		if ok {
			f |= field
		}
	}
	set(we.GetName() != "", wName)
	set(we.GetOrganization() != nil, wOrganization)
	set(we.CustomId != nil, wCustomID)
	set(we.ColorCode != nil, wColorCode)
	set(len(we.GetTemplateNotifications()) > 0, wTemplateNotifications)
	set(len(we.GetTemplateSmsNotifications()) > 0, wTemplateSMSNotifications)
	set(len(we.GetTemplateEmailNotifications()) > 0, wTemplateEmailNotifications)
	return f
}

// buildPatch copies the selected fields; unset ones become null.
func buildPatch(we *accountsv1.WorkEngagement, selected writable) (upstream.Patch, error) {
	var p upstream.Patch
	if selected&wName != 0 {
		p.Name = upstream.Set(we.GetName())
	}
	if selected&wOrganization != 0 {
		p.Organization = upstream.Set(organizationRef(we.GetOrganization()))
	}
	if selected&wCustomID != 0 {
		p.CustomID = upstream.Set(we.CustomId)
	}
	if selected&wColorCode != 0 {
		p.ColorCode = upstream.Set(we.ColorCode)
	}
	templates := []struct {
		bit   writable
		items []*structpb.Struct
		dst   *upstream.Field[[]json.RawMessage]
	}{
		{wTemplateNotifications, we.GetTemplateNotifications(), &p.TemplateNotifications},
		{wTemplateSMSNotifications, we.GetTemplateSmsNotifications(), &p.TemplateSMSNotifications},
		{wTemplateEmailNotifications, we.GetTemplateEmailNotifications(), &p.TemplateEmailNotifications},
	}
	for _, t := range templates {
		if selected&t.bit == 0 {
			continue
		}
		items, err := structsToJSON(t.items)
		if err != nil {
			return upstream.Patch{}, err
		}
		*t.dst = upstream.Set(items)
	}
	return p, nil
}

func organizationRef(o *accountsv1.Organization) *upstream.Reference {
	if o == nil {
		return nil
	}
	// Django stores UUIDs in lower case; send the canonical form.
	return &upstream.Reference{ID: strings.ToLower(o.GetId())}
}
