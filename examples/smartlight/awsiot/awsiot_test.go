package awsiot_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	iottypes "github.com/aws/aws-sdk-go-v2/service/iot/types"
	dptypes "github.com/aws/aws-sdk-go-v2/service/iotdataplane/types"
	"github.com/google/go-cmp/cmp"

	"github.com/go-alexa/smarthome/examples/smartlight/awsiot"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/devicetest"
)

func newRegistry(t *testing.T, pageSize int) (*fakeIoT, *awsiot.Registry) {
	f := newFakeIoT(t, pageSize)
	return f, awsiot.NewRegistry(f.iotClient())
}

// The adapters pass the same conformance tests as the in-memory device
// cloud, through the AWS SDK and the fake's HTTP APIs.
func TestRegistryConformance(t *testing.T) {
	t.Parallel()
	_, r := newRegistry(t, 1) // one thing per page: every lookup paginates
	devicetest.TestRegistry(t, devicetest.RegistryFixture{Registry: r, Provision: r.Provision, Prefix: "ct-"})
}

func TestShadowConformance(t *testing.T) {
	t.Parallel()
	f := newFakeIoT(t, 10)
	devicetest.TestShadow(t, awsiot.NewShadow(f.dataClient()), "lightA")
}

// body decodes a recorded JSON body.
func body(t *testing.T, r fakeRequest) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("%s %s: body %q is not JSON: %v", r.Method, r.Path, r.Body, err)
	}
	return m
}

func TestThingsByOwnerPaginates(t *testing.T) {
	t.Parallel()
	f, r := newRegistry(t, 2)
	// 12 things in name order; user-1 owns every third one, on pages that
	// also hold other things and pages that hold none of theirs.
	var want []string
	for i := range 12 {
		attrs := map[string]string{device.AttrSerialNumber: fmt.Sprintf("SER-%02d", 11-i)}
		if i%3 == 0 {
			attrs[device.AttrOwner] = "user-1"
			want = append(want, attrs[device.AttrSerialNumber])
		} else if i%3 == 1 {
			attrs[device.AttrOwner] = "user-10" // a prefix match only
		}
		f.put(fmt.Sprintf("light-%02d", i), attrs)
	}
	f.requests()
	got, err := r.ThingsByOwner(t.Context(), "user-1")
	if err != nil {
		t.Fatal(err)
	}
	var serials []string
	for _, th := range got {
		serials = append(serials, th.SerialNumber)
		if th.Owner != "user-1" || th.Version != 1 || !strings.HasPrefix(th.Name, "light-") {
			t.Errorf("thing %+v", th)
		}
	}
	slices.Sort(want)
	if !slices.Equal(serials, want) {
		t.Fatalf("ThingsByOwner serials = %q, want %q sorted", serials, want)
	}
	reqs := f.requests()
	if len(reqs) != 6 {
		t.Errorf("%d ListThings requests for 12 things in pages of 2, want 6", len(reqs))
	}
	var prevToken string
	for i, req := range reqs {
		wantQuery := url.Values{"attributeName": {"userID"}, "attributeValue": {"user-1"}, "maxResults": {"250"}}
		if i > 0 {
			wantQuery["nextToken"] = []string{prevToken}
		}
		if req.Method != http.MethodGet || req.Path != "/things" {
			t.Errorf("request %d: %s %s, want GET /things", i, req.Method, req.Path)
		}
		if d := cmp.Diff(wantQuery, req.Query); d != "" {
			t.Errorf("request %d query (-want +got):\n%s", i, d)
		}
		prevToken = nextTokenAfter(reqs, i)
	}
}

// nextTokenAfter returns the nextToken the request after reqs[i] carried.
func nextTokenAfter(reqs []fakeRequest, i int) string {
	if i+1 < len(reqs) && len(reqs[i+1].Query["nextToken"]) == 1 {
		return reqs[i+1].Query["nextToken"][0]
	}
	return ""
}

func TestThingBySerial(t *testing.T) {
	t.Parallel()
	f, r := newRegistry(t, 2)
	for i := range 9 {
		f.put(fmt.Sprintf("light-%d", i), map[string]string{device.AttrSerialNumber: fmt.Sprintf("SER-%d", i)})
	}
	// The match is on the last page.
	th, err := r.ThingBySerial(t.Context(), "SER-8")
	if err != nil || th.Name != "light-8" || th.SerialNumber != "SER-8" {
		t.Fatalf("ThingBySerial = %+v, %v", th, err)
	}
	reqs := f.requests()
	if len(reqs) != 5 {
		t.Errorf("%d requests to find a thing on the fifth page, want 5", len(reqs))
	}
	if q := reqs[0].Query; q.Get("attributeName") != "serialNumber" || q.Get("attributeValue") != "SER-8" || q.Has("usePrefixAttributeValue") {
		t.Errorf("query %v: want an exact match on serialNumber", q)
	}

	// The same serial on two things, pages apart: an error, not a guess.
	f.put("light-x", map[string]string{device.AttrSerialNumber: "SER-1"})
	if _, err := r.ThingBySerial(t.Context(), "SER-1"); !errors.Is(err, device.ErrDuplicateSerial) {
		t.Errorf("ThingBySerial(duplicate) = %v, want ErrDuplicateSerial", err)
	}
	if _, err := r.ThingBySerial(t.Context(), "SER-404"); !errors.Is(err, device.ErrNotFound) {
		t.Errorf("ThingBySerial(unknown) = %v, want ErrNotFound", err)
	}
	f.requests()
	if _, err := r.ThingBySerial(t.Context(), "bad serial/../x"); !errors.Is(err, device.ErrNotFound) {
		t.Errorf("ThingBySerial(invalid) = %v, want ErrNotFound", err)
	}
	if _, err := r.Thing(t.Context(), "bad name?"); !errors.Is(err, device.ErrNotFound) {
		t.Errorf("Thing(invalid) = %v, want ErrNotFound", err)
	}
	if reqs := f.requests(); len(reqs) != 0 {
		t.Errorf("invalid names were sent to the registry: %+v", reqs)
	}
}

func TestSetOwnerRequests(t *testing.T) {
	t.Parallel()
	f, r := newRegistry(t, 10)
	f.put("lightA", map[string]string{device.AttrSerialNumber: "SER-A", device.AttrClaimSecretHash: "abc123"})
	f.requests()

	th, err := r.SetOwner(t.Context(), "lightA", "user-1", 1)
	if err != nil {
		t.Fatal(err)
	}
	want := device.Thing{Name: "lightA", SerialNumber: "SER-A", Owner: "user-1", ClaimSecretHash: "abc123", Version: 2}
	if th != want {
		t.Errorf("SetOwner = %+v, want %+v", th, want)
	}
	reqs := f.requests()
	if len(reqs) != 2 || reqs[0].Method != http.MethodPatch || reqs[0].Path != "/things/lightA" || reqs[1].Method != http.MethodGet {
		t.Fatalf("requests %+v: want PATCH /things/lightA then GET", reqs)
	}
	wantBody := map[string]any{
		"attributePayload": map[string]any{"attributes": map[string]any{"userID": "user-1"}, "merge": true},
		"expectedVersion":  float64(1),
	}
	if d := cmp.Diff(wantBody, body(t, reqs[0])); d != "" {
		t.Errorf("UpdateThing body (-want +got):\n%s", d)
	}
	if !strings.HasPrefix(reqs[0].ContentType, "application/json") {
		t.Errorf("Content-Type %q", reqs[0].ContentType)
	}

	// A claim from a stale version loses; the owner stays.
	_, err = r.SetOwner(t.Context(), "lightA", "user-2", 1)
	var vce *iottypes.VersionConflictException
	if !errors.Is(err, device.ErrConflict) || !errors.As(err, &vce) {
		t.Fatalf("SetOwner(stale) = %v, want ErrConflict wrapping a VersionConflictException", err)
	}

	// Release removes the attribute, keeping the others.
	th, err = r.SetOwner(t.Context(), "lightA", "", 2)
	if err != nil {
		t.Fatal(err)
	}
	if th.Owner != "" || th.SerialNumber != "SER-A" || th.ClaimSecretHash != "abc123" || th.Version != 3 {
		t.Errorf("after release: %+v", th)
	}
	reqs = f.requests()
	if got := body(t, reqs[len(reqs)-2])["attributePayload"]; !cmp.Equal(got, map[string]any{"attributes": map[string]any{"userID": ""}, "merge": true}) {
		t.Errorf("release attributePayload = %v, want userID \"\" merged", got)
	}

	if _, err := r.SetOwner(t.Context(), "nosuch", "user-1", 1); !errors.Is(err, device.ErrNotFound) {
		t.Errorf("SetOwner(unknown thing) = %v, want ErrNotFound", err)
	}
	if _, err := r.SetOwner(t.Context(), "lightA", "user/../1", 3); err == nil {
		t.Error("SetOwner accepted an invalid owner")
	}
}

func TestProvision(t *testing.T) {
	t.Parallel()
	f, r := newRegistry(t, 10)
	th, err := r.Provision(t.Context(), device.Thing{Name: "lightA", SerialNumber: "SER-A", ClaimSecretHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	if th != (device.Thing{Name: "lightA", SerialNumber: "SER-A", ClaimSecretHash: "h", Version: 1}) {
		t.Errorf("Provision = %+v", th)
	}
	var create fakeRequest
	for _, req := range f.requests() {
		if req.Method == http.MethodPost {
			create = req
		}
	}
	wantBody := map[string]any{"attributePayload": map[string]any{"attributes": map[string]any{"serialNumber": "SER-A", "claimSecretSha256": "h"}}}
	if create.Path != "/things/lightA" || !cmp.Equal(body(t, create), wantBody) {
		t.Errorf("CreateThing %s %s", create.Path, create.Body)
	}
	// Idempotent for the same thing; refused for a reused serial or name.
	if _, err := r.Provision(t.Context(), device.Thing{Name: "lightA", SerialNumber: "SER-A", ClaimSecretHash: "h"}); err != nil {
		t.Errorf("Provision again = %v", err)
	}
	if _, err := r.Provision(t.Context(), device.Thing{Name: "lightB", SerialNumber: "SER-A"}); !errors.Is(err, awsiot.ErrExists) {
		t.Errorf("Provision(reused serial) = %v, want ErrExists", err)
	}
	if _, err := r.Provision(t.Context(), device.Thing{Name: "lightA", SerialNumber: "SER-Z"}); !errors.Is(err, awsiot.ErrExists) {
		t.Errorf("Provision(reused name) = %v, want ErrExists", err)
	}
	if _, err := r.Provision(t.Context(), device.Thing{Name: "bad name", SerialNumber: "SER-Q"}); err == nil {
		t.Error("Provision accepted an invalid name")
	}
}

// S8: a name full of JSON metacharacters is a string value, never JSON.
func TestShadowUpdateEncodesValues(t *testing.T) {
	t.Parallel()
	f := newFakeIoT(t, 10)
	s := awsiot.NewShadow(f.dataClient())
	evil := `Light", "status": "on", "x": {"y` + "\\\" \u2028 ünïcødé 💡"
	cmd := device.NewCommand(device.SourceApp)
	acc, err := s.Update(t.Context(), "lightA", &device.Update{
		State:       device.UpdateState{Desired: device.LightPatch{FriendlyName: &evil, Command: &cmd}.State()},
		ClientToken: "tok-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if len(reqs) != 1 || reqs[0].Method != http.MethodPost || reqs[0].Path != "/things/lightA/shadow" || len(reqs[0].Query) != 0 {
		t.Fatalf("requests %+v: want one POST /things/lightA/shadow without a query", reqs)
	}
	var sent struct {
		State struct {
			Desired map[string]json.RawMessage `json:"desired"`
		} `json:"state"`
		ClientToken string `json:"clientToken"`
	}
	if err := json.Unmarshal(reqs[0].Body, &sent); err != nil {
		t.Fatalf("payload %q: %v", reqs[0].Body, err)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range sent.State.Desired {
			if !yield(k) {
				return
			}
		}
	})
	if !slices.Equal(keys, []string{"command", "friendlyName"}) || sent.ClientToken != "tok-1" {
		t.Fatalf("desired keys %q, clientToken %q: the name added keys", keys, sent.ClientToken)
	}
	var name string
	if err := json.Unmarshal(sent.State.Desired["friendlyName"], &name); err != nil || name != evil {
		t.Fatalf("friendlyName sent as %s", sent.State.Desired["friendlyName"])
	}
	if acc.ClientToken != "tok-1" || acc.Version != 1 {
		t.Errorf("accepted %+v", acc)
	}
	doc, err := s.Get(t.Context(), "lightA")
	if err != nil {
		t.Fatal(err)
	}
	ls, err := device.ParseLightState(doc.State.Desired, doc.Metadata.Desired)
	if err != nil || ls.FriendlyName.Value != evil || ls.Status.OK {
		t.Errorf("stored desired state %+v, %v", ls, err)
	}
}

func TestShadowErrors(t *testing.T) {
	t.Parallel()
	f := newFakeIoT(t, 10)
	s := awsiot.NewShadow(f.dataClient())
	ctx := t.Context()

	_, err := s.Get(ctx, "lightA")
	var nf *dptypes.ResourceNotFoundException
	if !errors.Is(err, device.ErrNotFound) || !errors.As(err, &nf) {
		t.Errorf("Get(no shadow) = %v, want ErrNotFound wrapping ResourceNotFoundException", err)
	}
	acc, err := s.Update(ctx, "lightA", &device.Update{State: device.UpdateState{Reported: device.LightPatch{Battery: device.Ptr(50)}.State()}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Update(ctx, "lightA", &device.Update{Version: acc.Version + 1, State: device.UpdateState{Reported: device.LightPatch{Battery: device.Ptr(49)}.State()}})
	var ce *dptypes.ConflictException
	if !errors.Is(err, device.ErrConflict) || !errors.As(err, &ce) {
		t.Errorf("Update(stale version) = %v, want ErrConflict wrapping ConflictException", err)
	}
	if v := body(t, f.requests()[2])["version"]; v != float64(acc.Version+1) {
		t.Errorf("conditional update sent version %v", v)
	}
	big := strings.Repeat("x", 9000)
	if _, err := s.Update(ctx, "lightA", &device.Update{State: device.UpdateState{Desired: device.LightPatch{FriendlyName: &big}.State()}}); !errors.Is(err, device.ErrInvalidUpdate) || !errors.Is(err, device.ErrTooLarge) {
		t.Errorf("Update(too large) = %v, want ErrInvalidUpdate and ErrTooLarge", err)
	}
	deep := device.State{"a": json.RawMessage(`{"b":{"c":{"d":{"e":{"f":{"g":{"h":1}}}}}}}`)}
	if _, err := s.Update(ctx, "lightA", &device.Update{State: device.UpdateState{Desired: deep}}); !errors.Is(err, device.ErrInvalidUpdate) {
		t.Errorf("Update(too deep) = %v, want ErrInvalidUpdate", err)
	}
	if _, err := s.Update(ctx, "lightA", nil); !errors.Is(err, device.ErrInvalidUpdate) {
		t.Errorf("Update(nil) = %v", err)
	}
	bad := device.State{"x": json.RawMessage(`{not json`)}
	if _, err := s.Update(ctx, "lightA", &device.Update{State: device.UpdateState{Desired: bad}}); !errors.Is(err, device.ErrInvalidUpdate) {
		t.Errorf("Update(invalid raw JSON) = %v, want ErrInvalidUpdate before any request", err)
	}

	// Throttling is retried by the SDK; a lasting outage is an error
	// matching no device sentinel.
	f.requests()
	f.failNext(1, http.StatusTooManyRequests, "ThrottlingException")
	if _, err := s.Get(ctx, "lightA"); err != nil {
		t.Errorf("Get after one throttle = %v, want the retry to succeed", err)
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("%d requests for a throttled Get, want 2", n)
	}
	f.failNext(3, http.StatusServiceUnavailable, "ServiceUnavailableException") // every attempt
	_, err = s.Get(ctx, "lightA")
	if err == nil || errors.Is(err, device.ErrNotFound) || errors.Is(err, device.ErrConflict) || !strings.Contains(err.Error(), `"lightA"`) {
		t.Errorf("Get during an outage = %v", err)
	}
	if n := len(f.requests()); n != 3 {
		t.Errorf("%d attempts during an outage, want the SDK's 3", n)
	}
}

func TestDataEndpointAndFromConfig(t *testing.T) {
	t.Parallel()
	f := newFakeIoT(t, 10)
	ep, err := awsiot.DataEndpoint(t.Context(), f.iotClient())
	if err != nil || ep != "a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com" {
		t.Fatalf("DataEndpoint = %q, %v", ep, err)
	}
	cfg := aws.Config{
		Region:      testRegion,
		Credentials: credentials.NewStaticCredentialsProvider(testKeyID, "test-secret", ""),
		Retryer:     testRetryer,
	}
	s, err := awsiot.NewShadowFromConfig(cfg, f.dataURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(t.Context(), "lightA", &device.Update{State: device.UpdateState{Reported: device.LightPatch{Battery: device.Ptr(7)}.State()}}); err != nil {
		t.Fatal(err)
	}
	r := awsiot.NewRegistryFromConfig(cfg, func(o *iot.Options) { o.BaseEndpoint = aws.String(f.controlURL) })
	f.put("lightA", map[string]string{device.AttrSerialNumber: "SER-A"})
	if th, err := r.Thing(t.Context(), "lightA"); err != nil || th.SerialNumber != "SER-A" {
		t.Fatalf("Thing = %+v, %v", th, err)
	}
	for _, bad := range []string{"", "ftp://x", "https://"} {
		if _, err := awsiot.NewShadowFromConfig(cfg, bad); err == nil {
			t.Errorf("NewShadowFromConfig(%q) = nil error", bad)
		}
	}
}
