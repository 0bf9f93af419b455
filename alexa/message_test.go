package alexa_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/google/go-cmp/cmp"
)

func TestTimeMarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), `"2026-01-02T03:04:05Z"`},
		{time.Date(2026, 1, 2, 3, 4, 5, 500_000_000, time.UTC), `"2026-01-02T03:04:05.5Z"`},
		{time.Date(2026, 1, 2, 3, 4, 5, 120_000_000, time.UTC), `"2026-01-02T03:04:05.12Z"`},
		{time.Date(2026, 1, 2, 3, 4, 5, 123_456_789, time.UTC), `"2026-01-02T03:04:05.123Z"`},
		{time.Date(2026, 1, 2, 3, 4, 5, 999_999, time.UTC), `"2026-01-02T03:04:05Z"`},
		{time.Date(2026, 12, 31, 23, 59, 59, 1_000_000, time.FixedZone("CET", 3600)), `"2026-12-31T22:59:59.001Z"`},
		{time.Date(2024, 2, 29, 0, 0, 0, 0, time.FixedZone("X", -5*3600)), `"2024-02-29T05:00:00Z"`},
		{time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), `"0001-01-01T00:00:01Z"`},
	}
	for _, tt := range tests {
		got, err := json.Marshal(alexa.NewTime(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
		// And back: the same instant to the millisecond.
		var back alexa.Time
		if err := json.Unmarshal(got, &back); err != nil || !back.Time.Equal(tt.in.Truncate(time.Millisecond)) || back.Location() != time.UTC {
			t.Errorf("Unmarshal(%s) = %v, %v", got, back, err)
		}
	}
	if _, err := json.Marshal(alexa.NewTime(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))); err == nil {
		t.Error("year 10000 encoded")
	}
}

func TestTimeUnmarshalLenient(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Time{
		`"2017-02-03T16:20:50.52Z"`:        time.Date(2017, 2, 3, 16, 20, 50, 520_000_000, time.UTC),
		`"2017-02-03T18:20:50+02:00"`:      time.Date(2017, 2, 3, 16, 20, 50, 0, time.UTC),
		`"2017-02-03T16:20:50.123456789Z"`: time.Date(2017, 2, 3, 16, 20, 50, 123_456_789, time.UTC),
	} {
		var got alexa.Time
		if err := json.Unmarshal([]byte(in), &got); err != nil || !got.Time.Equal(want) {
			t.Errorf("Unmarshal(%s) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{`12`, `"yesterday"`, `"2017-02-03"`, `{}`, `"2017-02-30T00:00:00Z"`} {
		var got alexa.Time
		if err := json.Unmarshal([]byte(in), &got); err == nil {
			t.Errorf("Unmarshal(%s) accepted: %v", in, got)
		}
	}
}

func TestPropertyZeroTimeOmittedAndFilled(t *testing.T) {
	t.Parallel()
	p := alexa.PowerStateProperty(alexa.PowerOn)
	b, _ := json.Marshal(p)
	if bytes.Contains(b, []byte("timeOfSample")) {
		t.Errorf("zero timeOfSample encoded: %s", b)
	}
	d := &alexa.Directive{Header: alexa.Header{Namespace: alexa.NamespacePowerController, Name: alexa.NameTurnOn, CorrelationToken: "c"}, Endpoint: &alexa.Endpoint{EndpointID: "e"}}
	m := d.Response(p, alexa.ConnectivityProperty(alexa.ConnectivityOK).At(t0.Add(-time.Minute), 2*time.Second))
	fixedBuilder().Finalize(m, false)
	ps := m.Properties()
	if !ps[0].TimeOfSample.Time.Equal(t0) || !ps[1].TimeOfSample.Time.Equal(t0.Add(-time.Minute)) || ps[1].UncertaintyInMilliseconds != 2000 {
		t.Errorf("times not filled or overwritten: %+v", ps)
	}
	if m.Event.Header.MessageID == "" || m.Event.Header.PayloadVersion != "3" {
		t.Errorf("header not finalized: %+v", m.Event.Header)
	}
}

func TestTokenRedaction(t *testing.T) {
	t.Parallel()
	const secret = "Atza|super-secret-access-token"
	s := alexa.Scope{Type: alexa.ScopeBearerToken, Token: secret}
	d := &alexa.Directive{
		Header:   alexa.Header{Namespace: alexa.NamespaceAuthorization, Name: alexa.NameAcceptGrant},
		Endpoint: &alexa.Endpoint{EndpointID: "e", Scope: &s},
		Payload:  json.RawMessage(`{"grant":{"type":"OAuth2.AuthorizationCode","code":"` + secret + `"}}`),
	}
	g := alexa.AcceptGrantPayload{Grant: alexa.Grant{Code: secret}, Grantee: alexa.Grantee{Token: secret}}
	var logs bytes.Buffer
	jl := slog.New(slog.NewJSONHandler(&logs, nil))
	tl := slog.New(slog.NewTextHandler(&logs, nil))
	jl.Info("x", "scope", s, "directive", d, "grant", g, "token", s.Token)
	tl.Info("x", "scope", s, "directive", d, "grant", g, "token", s.Token)
	out := []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q", s, s, s, s.Token, s.Token),
		fmt.Sprintf("%v %+v %#v", g, g, g), fmt.Sprintf("%+v", d.Endpoint.Scope), logs.String(),
		fmt.Sprintf("%v %+v %#v %s", d, d, d, d), fmt.Sprintf("%v %+v %#v %s", *d, *d, *d, *d),
		fmt.Sprintf("%v %+v %#v %s", alexa.DirectiveMessage{Directive: *d}, d.Response(), *d.Response(), d.Response()),
	}
	for _, o := range out {
		if strings.Contains(o, "super-secret") {
			t.Errorf("secret printed: %s", o)
		}
	}
	if !strings.Contains(out[1], "[redacted]") {
		t.Errorf("no redaction marker: %s", out[1])
	}
	// The wire keeps the token.
	b, _ := json.Marshal(s)
	if !bytes.Contains(b, []byte(secret)) {
		t.Errorf("token lost on the wire: %s", b)
	}
}

func TestParseDirective(t *testing.T) {
	t.Parallel()
	d, err := alexa.ParseDirective(golden(t, "directive.Partition.TurnOff"))
	if err != nil {
		t.Fatal(err)
	}
	want := &alexa.Endpoint{EndpointID: "light-002", Scope: &alexa.Scope{Type: alexa.ScopeBearerTokenWithPartition, Token: skillToken, Partition: "building-7", UserID: "user-42"}}
	if diff := cmp.Diff(want, d.Endpoint); diff != "" {
		t.Error(diff)
	}
	for _, in := range []string{``, `{}`, `{"directive":{}}`, `{"directive":[]}`, `nope`} {
		if _, err := alexa.ParseDirective([]byte(in)); !errors.Is(err, alexa.ErrNotDirective) {
			t.Errorf("ParseDirective(%s) = %v, want ErrNotDirective", in, err)
		}
	}
}

func TestSetScope(t *testing.T) {
	t.Parallel()
	s := alexa.Scope{Type: alexa.ScopeBearerToken, Token: "Atza|lwa"}
	// Endpoint events carry it in endpoint.scope, without touching the
	// directive the reply came from.
	d, _ := alexa.ParseDirective(golden(t, "directive.PowerController.TurnOn"))
	m := d.Response()
	if err := m.SetScope(s); err != nil {
		t.Fatal(err)
	}
	if m.Scope().Token != "Atza|lwa" || d.Endpoint.Scope.Token != skillToken {
		t.Errorf("reply scope %v, directive scope %v", m.Scope().Token == "Atza|lwa", d.Endpoint.Scope.Token == skillToken)
	}
	// Discovery reports carry it in payload.scope.
	reports, err := alexa.Builder{}.DeleteReports(0, "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	if err := reports[0].SetScope(s); err != nil {
		t.Fatal(err)
	}
	var p alexa.DeleteReportPayload
	if err := reports[0].DecodePayload(&p); err != nil || p.Scope == nil || p.Scope.Token != "Atza|lwa" || len(p.Endpoints) != 2 {
		t.Errorf("payload %+v %v", p, err)
	}
	if reports[0].Scope().Token != "Atza|lwa" {
		t.Error("Scope does not read payload.scope")
	}
	// An event without an endpoint has nowhere to carry it.
	if err := d.DeferredResponse(0).SetScope(s); !errors.Is(err, alexa.ErrNoScope) {
		t.Errorf("SetScope on DeferredResponse = %v", err)
	}
}

func TestErrorIsAs(t *testing.T) {
	t.Parallel()
	cause := errors.New("device offline")
	err := fmt.Errorf("turning on: %w", &alexa.Error{Type: alexa.ErrorEndpointUnreachable, Message: "offline", Err: cause})
	if !errors.Is(err, &alexa.Error{Type: alexa.ErrorEndpointUnreachable}) {
		t.Error("errors.Is by type failed")
	}
	if errors.Is(err, &alexa.Error{Type: alexa.ErrorNoSuchEndpoint}) {
		t.Error("errors.Is matched another type")
	}
	if errors.Is(err, &alexa.Error{Namespace: alexa.NamespaceAuthorization, Type: alexa.ErrorEndpointUnreachable}) {
		t.Error("errors.Is ignored the namespace")
	}
	if !errors.Is(err, cause) {
		t.Error("cause not unwrapped")
	}
	var ae *alexa.Error
	if !errors.As(err, &ae) || ae.Message != "offline" {
		t.Error("errors.As failed")
	}
	if got := ae.Error(); got != "alexa: ENDPOINT_UNREACHABLE: offline: device offline" {
		t.Errorf("Error() = %q", got)
	}
}

func TestErrorResponseTypes(t *testing.T) {
	t.Parallel()
	d, _ := alexa.ParseDirective(golden(t, "directive.PowerController.TurnOn"))
	tests := []struct {
		err  *alexa.Error
		want string
	}{
		{alexa.NewError(alexa.ErrorEndpointUnreachable, "offline"), `{"type":"ENDPOINT_UNREACHABLE","message":"offline"}`},
		{alexa.NewError(alexa.ErrorNoSuchEndpoint, ""), `{"type":"NO_SUCH_ENDPOINT","message":"NO_SUCH_ENDPOINT"}`},
		{alexa.EndpointLowPower(4.5, "battery low"), `{"type":"ENDPOINT_LOW_POWER","message":"battery low","percentageState":4.5}`},
		{alexa.NotSupportedInCurrentMode(alexa.DeviceModeAsleep, "asleep"), `{"type":"NOT_SUPPORTED_IN_CURRENT_MODE","message":"asleep","currentDeviceMode":"ASLEEP"}`},
		{alexa.TemperatureOutOfRange(alexa.Temperature{Value: 10, Scale: alexa.Celsius}, alexa.Temperature{Value: 30, Scale: alexa.Celsius}, "t"),
			`{"type":"TEMPERATURE_VALUE_OUT_OF_RANGE","message":"t","validRange":{"minimumValue":{"value":10,"scale":"CELSIUS"},"maximumValue":{"value":30,"scale":"CELSIUS"}}}`},
		{&alexa.Error{Namespace: "Alexa.ThermostatController", Type: alexa.ErrorRequestedSetpointsTooClose, Message: "close", MinimumTemperatureDelta: &alexa.Temperature{Value: 2, Scale: alexa.Celsius}},
			`{"type":"REQUESTED_SETPOINTS_TOO_CLOSE","message":"close","minimumTemperatureDelta":{"value":2,"scale":"CELSIUS"}}`},
		{&alexa.Error{Namespace: "Alexa.SecurityPanelController", Type: "BYPASS_NEEDED", Message: "bypass", Extra: alexa.Unknown{"endpointsNeedingBypass": json.RawMessage(`[{"friendlyName":"Door"}]`)}},
			`{"type":"BYPASS_NEEDED","message":"bypass","endpointsNeedingBypass":[{"friendlyName":"Door"}]}`},
	}
	for _, tt := range tests {
		m, err := d.ErrorResponse(tt.err)
		if err != nil {
			t.Errorf("%s: %v", tt.err.Type, err)
			continue
		}
		if diff := jsonDiff(t, []byte(tt.want), m.Event.Payload); diff != "" {
			t.Errorf("%s payload:\n%s", tt.err.Type, diff)
		}
		if ns := tt.err.Namespace; ns != "" && m.Event.Header.Namespace != ns {
			t.Errorf("namespace %s, want %s", m.Event.Header.Namespace, ns)
		}
		back, ok := alexa.ErrorFromEvent(m)
		if !ok || !errors.Is(back, tt.err) {
			t.Errorf("ErrorFromEvent round trip: %+v", back)
		}
	}
	for _, bad := range []*alexa.Error{
		{Type: ""},
		{Type: alexa.ErrorValueOutOfRange},
		{Type: alexa.ErrorTemperatureValueOutOfRange},
		{Type: alexa.ErrorNotSupportedInCurrentMode},
		alexa.ValueOutOfRange(0, nan(), "nan"),
	} {
		if _, err := d.ErrorResponse(bad); err == nil {
			t.Errorf("incomplete error %+v accepted", bad)
		}
	}
}

func nan() float64 { return math.NaN() }

// The former names of the inventory namespaces still compile, and the
// validation sentinels say which package they come from.
func TestDeprecatedNamesAndSentinelTexts(t *testing.T) {
	t.Parallel()
	if alexa.NamespaceInventoryLevel != alexa.NamespaceInventoryLevelSensor || alexa.NamespaceInventoryUsage != alexa.NamespaceInventoryUsageSensor ||
		alexa.NamespaceInventoryLevelUsage != alexa.NamespaceInventoryLevelUsageSensor {
		t.Error("a deprecated namespace name differs from its replacement")
	}
	for _, err := range []error{alexa.ErrInvalid, alexa.ErrTooLarge, alexa.ErrRequired} {
		if !strings.HasPrefix(err.Error(), "alexa: ") {
			t.Errorf("%q has no package prefix", err)
		}
	}
}
