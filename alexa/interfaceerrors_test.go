package alexa_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

// Directive names used below that this package does not type: the
// ErrorResponse tests only need a directive of the namespace.
const (
	nameSetCookingMode        alexa.Name      = "SetCookingMode"
	nameCookByTime            alexa.Name      = "CookByTime"
	nameReportData            alexa.Name      = "ReportData"
	nameSetObjectDetection    alexa.Name      = "SetObjectDetectionClasses"
	nameGetSnapshot           alexa.Name      = "GetSnapshot"
	nameSetThermostatConfig   alexa.Name      = "SetConfiguration"
	namespaceCookingTimeCtl   alexa.Namespace = "Alexa.Cooking.TimeController"
	namespaceNotCookingFamily alexa.Namespace = "Alexa.CookingExtras"
	namespaceCookingTempCtl   alexa.Namespace = "Alexa.Cooking.TemperatureController"
	interfaceErrorsEndpointID                 = "endpoint-001"
)

// interfaceErrorDirectives are a directive of each namespace the tests
// answer with an error, and of a few others.
var interfaceErrorDirectives = map[string][]byte{
	"commissionable": directiveOf(alexa.NamespaceCommissionable, alexa.NameReportCommissioningInformation, `{}`),
	"cooking":        directiveOf(alexa.NamespaceCooking, nameSetCookingMode, `{"cookingMode":{"value":"BAKE"}}`),
	"cookByTime":     directiveOf(namespaceCookingTimeCtl, nameCookByTime, `{"cookTime":"PT3M"}`),
	"cookByTemp":     directiveOf(namespaceCookingTempCtl, "CookByTemperature", `{"targetCookingTemperature":{"value":200,"scale":"CELSIUS"}}`),
	"notCooking":     directiveOf(namespaceNotCookingFamily, "Start", `{}`),
	"data":           directiveOf(alexa.NamespaceDataController, nameReportData, `{}`),
	"objects":        directiveOf(alexa.NamespaceObjectDetectionSensor, nameSetObjectDetection, `{}`),
	"snapshot":       directiveOf(alexa.NamespaceSnapshotProvider, nameGetSnapshot, `{}`),
	"config":         directiveOf(alexa.NamespaceThermostatConfiguration, nameSetThermostatConfig, `{}`),
	"turnOn":         directiveOf(alexa.NamespacePowerController, alexa.NameTurnOn, `{}`),
	"reportState":    directiveOf(alexa.NamespaceAlexa, alexa.NameReportState, `{}`),
}

// erringRouter returns a Router, checking its replies against our schemas,
// that answers every directive of interfaceErrorDirectives with err.
func erringRouter(t *testing.T, err error) *alexa.Router {
	t.Helper()
	r := alexa.NewRouter(alexa.WithValidator(schemas.New()))
	for _, d := range interfaceErrorDirectives {
		p, perr := alexa.ParseDirective(d)
		if perr != nil {
			t.Fatal(perr)
		}
		r.HandleFunc(p.Header.Namespace, p.Header.Name, func(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
			return nil, err
		})
	}
	return r
}

// TestInterfaceErrorResponses: each interface's own ErrorResponse a
// handler returns comes out with the interface's namespace, header name
// and payloadVersion, the payload Amazon documents, the directive's
// correlationToken and endpoint; it is valid against our schemas and, for
// Alexa.Cooking, which Amazon's published schema knows, against Amazon's;
// and ErrorFromEvent reads it back.
func TestInterfaceErrorResponses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		directive   string
		err         error
		wantNS      alexa.Namespace
		wantName    alexa.Name
		wantVersion string
		wantPayload string
	}{
		{"Commissionable", "commissionable", alexa.CommissionableError(alexa.ErrorMaxCommissioningLimitReached, "paired with 5 hubs"),
			alexa.NamespaceCommissionable, alexa.NameReportCommissioningInformationErrorResponse, "1.0",
			`{"type":"MAX_COMMISSIONING_LIMIT_REACHED","message":"paired with 5 hubs"}`},
		{"Commissionable, namespace implied", "commissionable", &alexa.Error{Type: alexa.ErrorFailedToBootstrapCommissioningProcess},
			alexa.NamespaceCommissionable, alexa.NameReportCommissioningInformationErrorResponse, "1.0",
			`{"type":"FAILED_TO_BOOTSTRAP_COMMISSIONING_PROCESS","message":"FAILED_TO_BOOTSTRAP_COMMISSIONING_PROCESS"}`},
		{"Cooking", "cooking", alexa.CookingError(alexa.ErrorDoorOpen, "door open"),
			alexa.NamespaceCooking, alexa.NameErrorResponse, "3", `{"type":"DOOR_OPEN","message":"door open"}`},
		{"Cooking answering its family (TimeController)", "cookByTime", alexa.CookingError(alexa.ErrorChildLock, "child lock on"),
			alexa.NamespaceCooking, alexa.NameErrorResponse, "3", `{"type":"CHILD_LOCK","message":"child lock on"}`},
		{"Cooking, wrapped, namespace implied, TemperatureController", "cookByTemp", errors.Join(errors.New("oven"), &alexa.Error{Type: alexa.ErrorPreheatRequired, Message: "preheat"}),
			alexa.NamespaceCooking, alexa.NameErrorResponse, "3", `{"type":"PREHEAT_REQUIRED","message":"preheat"}`},
		{"Cooking COOK_DURATION_TOO_LONG", "cookByTime", alexa.CookDurationTooLong(99*time.Minute, "at most 99 minutes"),
			alexa.NamespaceCooking, alexa.NameErrorResponse, "3", `{"type":"COOK_DURATION_TOO_LONG","message":"at most 99 minutes","maxCookTime":"PT1H39M"}`},
		{"DataController", "data", alexa.DataControllerError(alexa.ErrorDataDeletionNotSupported, "kept by the recorder"),
			alexa.NamespaceDataController, alexa.NameErrorResponse, "1.0", `{"type":"DATA_DELETION_NOT_SUPPORTED","message":"kept by the recorder"}`},
		{"DataController, generic type in Alexa's", "data", alexa.DataControllerError(alexa.ErrorEndpointUnreachable, "offline"),
			alexa.NamespaceAlexa, alexa.NameErrorResponse, "3", `{"type":"ENDPOINT_UNREACHABLE","message":"offline"}`},
		{"ObjectDetectionSensor", "objects", alexa.ObjectDetectionSensorError(alexa.ErrorSubscriptionRequired, "needs a plan"),
			alexa.NamespaceObjectDetectionSensor, alexa.NameErrorResponse, "1.0", `{"type":"SUBSCRIPTION_REQUIRED","message":"needs a plan"}`},
		{"ObjectDetectionSensor's own INVALID_VALUE", "objects", alexa.ObjectDetectionSensorError(alexa.ErrorInvalidValue, "no such class"),
			alexa.NamespaceObjectDetectionSensor, alexa.NameErrorResponse, "1.0", `{"type":"INVALID_VALUE","message":"no such class"}`},
		{"generic INVALID_VALUE answering ObjectDetectionSensor", "objects", alexa.NewError(alexa.ErrorInvalidValue, "no such class"),
			alexa.NamespaceAlexa, alexa.NameErrorResponse, "3", `{"type":"INVALID_VALUE","message":"no such class"}`},
		{"SnapshotProvider", "snapshot", alexa.SnapshotProviderError(alexa.ErrorDisabledByUser, "snapshots off"),
			alexa.NamespaceSnapshotProvider, alexa.NameErrorResponse, "1.1", `{"type":"DISABLED_BY_USER","message":"snapshots off"}`},
		{"SnapshotProvider SUBSCRIPTION_REQUIRED", "snapshot", alexa.SnapshotProviderError(alexa.ErrorSubscriptionRequired, "needs a plan"),
			alexa.NamespaceSnapshotProvider, alexa.NameErrorResponse, "1.1", `{"type":"SUBSCRIPTION_REQUIRED","message":"needs a plan"}`},
		{"SnapshotProvider, INVALID_VALUE is not its own", "snapshot", alexa.SnapshotProviderError(alexa.ErrorInvalidValue, "bad"),
			alexa.NamespaceAlexa, alexa.NameErrorResponse, "3", `{"type":"INVALID_VALUE","message":"bad"}`},
		{"ThermostatController.Configuration", "config", alexa.ThermostatConfigurationError(alexa.ErrorConfigurationUpdateNotAllowed, "locked"),
			alexa.NamespaceThermostatConfiguration, alexa.NameErrorResponse, "3", `{"type":"CONFIGURATION_UPDATE_NOT_ALLOWED","message":"locked"}`},
		{"ThermostatController.Configuration, namespace implied", "config", &alexa.Error{Type: alexa.ErrorInvalidTerminalConnection, Message: "W2 unsupported"},
			alexa.NamespaceThermostatConfiguration, alexa.NameErrorResponse, "3", `{"type":"INVALID_TERMINAL_CONNECTION","message":"W2 unsupported"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := alexatest.Invoke(t, erringRouter(t, tc.err), interfaceErrorDirectives[tc.directive])
			h := m.Event.Header
			if h.Namespace != tc.wantNS || h.Name != tc.wantName || h.PayloadVersion != tc.wantVersion {
				t.Fatalf("answered %s %s (payloadVersion %q), want %s %s (%q)", h.Namespace, h.Name, h.PayloadVersion, tc.wantNS, tc.wantName, tc.wantVersion)
			}
			if h.CorrelationToken != "tok" || m.Event.Endpoint == nil || m.Event.Endpoint.EndpointID != interfaceErrorsEndpointID {
				t.Errorf("correlationToken %q, endpoint %+v: not the directive's", h.CorrelationToken, m.Event.Endpoint)
			}
			if got := string(m.Event.Payload); got != tc.wantPayload {
				t.Errorf("payload %s, want %s", got, tc.wantPayload)
			}
			if name, version := alexa.ErrorResponseHeader(tc.wantNS); name != tc.wantName || version != tc.wantVersion {
				t.Errorf("ErrorResponseHeader(%s) = %s, %q", tc.wantNS, name, version)
			}
			if !alexa.IsErrorResponse(h) {
				t.Error("IsErrorResponse = false")
			}
			got, ok := alexa.ErrorFromEvent(m)
			if !ok {
				t.Fatal("ErrorFromEvent: not an ErrorResponse")
			}
			var want *alexa.Error
			if !errors.As(tc.err, &want) {
				t.Fatal("no *alexa.Error")
			}
			if tc.wantNS != alexa.NamespaceAlexa && (!errors.Is(got, want) || got.MaxCookTime != want.MaxCookTime) {
				t.Errorf("ErrorFromEvent = %+v, want %+v", got, want)
			}
			if len(got.Extra) != 0 {
				t.Errorf("ErrorFromEvent left %v in Extra", got.Extra)
			}
			conformMessage(t, m)
			if tc.wantNS == alexa.NamespaceCooking {
				assertUpstreamCovers(t, m)
			}
		})
	}
}

// assertUpstreamCovers fails unless Amazon's published schema, when
// ALEXA_SMARTHOME_UPSTREAM is set, has a branch for m's kind and accepts
// it: conformMessage alone would let an uncovered kind pass.
func assertUpstreamCovers(t *testing.T, m *alexa.EventMessage) {
	t.Helper()
	dir := os.Getenv(alexatest.UpstreamEnv)
	if dir == "" {
		return
	}
	if !strings.HasPrefix(dir, "/") {
		dir = "../" + dir
	}
	u, err := schemas.LoadUpstream(dir)
	if err != nil {
		t.Fatal(err)
	}
	k := schemas.Kind{Namespace: string(m.Event.Header.Namespace), Name: string(m.Event.Header.Name)}
	if !u.Covers(k) {
		t.Fatalf("the upstream schema does not cover %v", k)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Validate(b); err != nil {
		t.Errorf("upstream: %v", err)
	}
}

// TestInterfaceErrorRefused: an interface's own error answers only the
// directives its ErrorResponse may (its interface's; the Alexa.Cooking
// family's for Alexa.Cooking), is never sent in Alexa's namespace, and
// must carry what its type requires; otherwise the Router answers
// INTERNAL_ERROR saying why.
func TestInterfaceErrorRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		directive string
		err       *alexa.Error
		why       string
	}{
		{"Commissionable answering a PowerController", "turnOn", alexa.CommissionableError(alexa.ErrorMaxCommissioningLimitReached, ""), "cannot answer"},
		{"Cooking answering a PowerController", "turnOn", alexa.CookingError(alexa.ErrorDoorOpen, ""), "cannot answer"},
		{"Cooking answering a namespace that only starts alike", "notCooking", alexa.CookingError(alexa.ErrorDoorOpen, ""), "cannot answer"},
		{"Cooking answering ReportState", "reportState", alexa.CookingError(alexa.ErrorDoorOpen, ""), "cannot answer"},
		{"DataController answering ObjectDetectionSensor", "objects", alexa.DataControllerError(alexa.ErrorDataRetrievalNotSupported, ""), "cannot answer"},
		{"ObjectDetectionSensor's INVALID_VALUE answering a PowerController", "turnOn", alexa.ObjectDetectionSensorError(alexa.ErrorInvalidValue, ""), "cannot answer"},
		{"ObjectDetectionSensor answering SnapshotProvider", "snapshot", alexa.ObjectDetectionSensorError(alexa.ErrorSubscriptionRequired, ""), "cannot answer"},
		{"SnapshotProvider answering ObjectDetectionSensor", "objects", alexa.SnapshotProviderError(alexa.ErrorSubscriptionRequired, ""), "cannot answer"},
		{"Configuration answering a PowerController", "turnOn", alexa.ThermostatConfigurationError(alexa.ErrorMissingSetupInformation, ""), "cannot answer"},
		{"SUBSCRIPTION_REQUIRED without a namespace", "snapshot", &alexa.Error{Type: alexa.ErrorSubscriptionRequired}, "Alexa.SmartVision.ObjectDetectionSensor's or Alexa.SmartVision.SnapshotProvider's own ErrorResponse"},
		{"a Cooking type in Alexa's namespace", "cooking", &alexa.Error{Namespace: alexa.NamespaceAlexa, Type: alexa.ErrorDoorOpen}, "not of Alexa's"},
		{"a type Cooking does not have", "cooking", alexa.CookingError(alexa.ErrorDataDeletionNotSupported, ""), "not an error type"},
		{"a Configuration type the Schedule has", "config", alexa.ThermostatConfigurationError(alexa.ErrorInsufficientSpace, ""), "not an error type"},
		{"COOK_DURATION_TOO_LONG without MaxCookTime", "cooking", alexa.CookingError(alexa.ErrorCookDurationTooLong, ""), "MaxCookTime"},
		{"COOK_DURATION_TOO_LONG with a negative MaxCookTime", "cooking", alexa.CookDurationTooLong(-time.Minute, ""), "MaxCookTime"},
		{"maxCookTime in Extra", "cooking", &alexa.Error{Namespace: alexa.NamespaceCooking, Type: alexa.ErrorCookDurationTooLong, MaxCookTime: time.Hour, Extra: alexa.Unknown{"maxCookTime": json.RawMessage(`"PT2H"`)}}, "Extra"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := erringRouter(t, tc.err).Invoke(t.Context(), interfaceErrorDirectives[tc.directive])
			if err != nil {
				t.Fatal(err)
			}
			m, err := alexa.ParseEvent(out)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := alexa.ErrorFromEvent(m)
			if !ok || m.Event.Header.Namespace != alexa.NamespaceAlexa || got.Type != alexa.ErrorInternalError || m.Event.Header.PayloadVersion != "3" {
				t.Fatalf("answered %s", out)
			}
			reason, ok := alexa.DefectReason(m)
			if !ok || !strings.Contains(reason, tc.why) {
				t.Errorf("defect reason %q (%v), want one saying %q", reason, ok, tc.why)
			}
			conformMessage(t, m)
		})
	}
}

// TestInterfaceErrorResponseBuilder: Directive.ErrorResponse, for a reply
// sent later through the event gateway, builds the interface's header and
// checks the error as the Router does, but for the directive's namespace.
func TestInterfaceErrorResponseBuilder(t *testing.T) {
	t.Parallel()
	d, err := alexa.ParseDirective(interfaceErrorDirectives["snapshot"])
	if err != nil {
		t.Fatal(err)
	}
	m, err := d.ErrorResponse(alexa.SnapshotProviderError(alexa.ErrorDisabledByUser, ""))
	if err != nil {
		t.Fatal(err)
	}
	if h := m.Event.Header; h.Namespace != alexa.NamespaceSnapshotProvider || h.Name != alexa.NameErrorResponse || h.PayloadVersion != "1.1" || h.CorrelationToken != "tok" {
		t.Errorf("header %+v", h)
	}
	conformMessage(t, m)
	if _, err := d.ErrorResponse(alexa.SnapshotProviderError(alexa.ErrorChildLock, "")); err == nil {
		t.Error("a Cooking type in the SnapshotProvider namespace was accepted")
	}
	if _, err := d.ErrorResponse(alexa.CookDurationTooLong(0, "")); err == nil {
		t.Error("COOK_DURATION_TOO_LONG without a maximum was accepted")
	}
	if got := alexa.CookingError(alexa.ErrorDoorOpen, "open").Error(); got != "alexa: Alexa.Cooking DOOR_OPEN: open" {
		t.Errorf("Error() = %q", got)
	}
	// The header of namespaces without an ErrorResponse of their own.
	for _, ns := range []alexa.Namespace{alexa.NamespaceAlexa, alexa.NamespaceSafety, "Acme.Oven"} {
		if name, version := alexa.ErrorResponseHeader(ns); name != alexa.NameErrorResponse || version != alexa.PayloadVersion {
			t.Errorf("ErrorResponseHeader(%s) = %s, %q", ns, name, version)
		}
	}
	if alexa.IsErrorResponse(alexa.Header{Namespace: alexa.NamespaceAlexa, Name: alexa.NameReportCommissioningInformationErrorResponse}) {
		t.Error("IsErrorResponse accepts Alexa.Commissionable's name in another namespace")
	}
}

// TestErrorFromEventMaxCookTime: ErrorFromEvent reads maxCookTime as a
// duration, and keeps one it cannot read in Extra rather than lose it.
func TestErrorFromEventMaxCookTime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw       string
		want      time.Duration
		wantExtra bool
	}{
		{`"PT1H39M"`, 99 * time.Minute, false},
		{`"P1DT2H"`, 26 * time.Hour, false},
		{`"PT1.5S"`, 1500 * time.Millisecond, false},
		{`"P1M"`, 0, true}, // months vary in length
		{`"99 minutes"`, 0, true},
		{`5940`, 0, true},
		{`"P99999999999999999999D"`, 0, true},
	} {
		m := &alexa.EventMessage{Event: alexa.Event{
			Header:  alexa.Header{Namespace: alexa.NamespaceCooking, Name: alexa.NameErrorResponse, PayloadVersion: "3"},
			Payload: json.RawMessage(`{"type":"COOK_DURATION_TOO_LONG","message":"m","maxCookTime":` + tc.raw + `}`),
		}}
		e, ok := alexa.ErrorFromEvent(m)
		if !ok {
			t.Fatalf("%s: not an ErrorResponse", tc.raw)
		}
		if e.MaxCookTime != tc.want || (e.Extra["maxCookTime"] != nil) != tc.wantExtra {
			t.Errorf("%s: MaxCookTime %v, Extra %v", tc.raw, e.MaxCookTime, e.Extra)
		}
		// What was decoded is sent again, the maxCookTime as it came when
		// this package cannot read it.
		d, err := alexa.ParseDirective([]byte(`{"directive":{"header":{"namespace":"Alexa.Cooking.TimeController","name":"CookByTime",` +
			`"messageId":"1bd5d003-31b9-476f-ad03-71d471922820","correlationToken":"c","payloadVersion":"3"},"endpoint":{"endpointId":"oven-1"},"payload":{}}}`))
		if err != nil {
			t.Fatal(err)
		}
		out, err := d.ErrorResponse(e)
		if err != nil {
			t.Errorf("%s: sending the decoded error again: %v", tc.raw, err)
			continue
		}
		var p struct {
			MaxCookTime json.RawMessage `json:"maxCookTime"`
		}
		if n := strings.Count(string(out.Event.Payload), `"maxCookTime"`); n != 1 {
			t.Errorf("%s: sent again with maxCookTime %d times: %s", tc.raw, n, out.Event.Payload)
		}
		if err := json.Unmarshal(out.Event.Payload, &p); err != nil || (tc.wantExtra && string(p.MaxCookTime) != tc.raw) {
			t.Errorf("%s: sent again as %s, %v", tc.raw, p.MaxCookTime, err)
		}
	}
}

// TestCookDurationTooLongNeedsMaxCookTime: COOK_DURATION_TOO_LONG is never
// sent without its maxCookTime, also when Extra holds a null one.
func TestCookDurationTooLongNeedsMaxCookTime(t *testing.T) {
	t.Parallel()
	d, err := alexa.ParseDirective([]byte(`{"directive":{"header":{"namespace":"Alexa.Cooking.TimeController","name":"CookByTime",` +
		`"messageId":"1bd5d003-31b9-476f-ad03-71d471922820","correlationToken":"c","payloadVersion":"3"},"endpoint":{"endpointId":"oven-1"},"payload":{}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []*alexa.Error{
		{Namespace: alexa.NamespaceCooking, Type: alexa.ErrorCookDurationTooLong},
		{Namespace: alexa.NamespaceCooking, Type: alexa.ErrorCookDurationTooLong, Extra: alexa.Unknown{"maxCookTime": nil}},
		{Namespace: alexa.NamespaceCooking, Type: alexa.ErrorCookDurationTooLong, Extra: alexa.Unknown{"maxCookTime": json.RawMessage(`null`)}},
	} {
		if m, err := d.ErrorResponse(e); err == nil {
			t.Errorf("%+v: sent %s", e.Extra, m.Event.Payload)
		}
	}
}
