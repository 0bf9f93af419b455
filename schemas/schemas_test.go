package schemas

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func TestKindOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    Kind
		wantErr error
	}{
		{"event", `{"event":{"header":{"namespace":"Alexa","name":"ChangeReport"}}}`, Kind{Namespace: "Alexa", Name: "ChangeReport"}, nil},
		{"directive", `{"directive":{"header":{"namespace":"Alexa.PowerController","name":"TurnOn"}}}`, Kind{Directive: true, Namespace: "Alexa.PowerController", Name: "TurnOn"}, nil},
		{"both is a directive", `{"event":{},"directive":{"header":{"namespace":"A","name":"B"}}}`, Kind{Directive: true, Namespace: "A", Name: "B"}, nil},
		{"no header", `{"event":{}}`, Kind{}, nil},
		{"names not strings", `{"directive":{"header":{"namespace":1,"name":null}}}`, Kind{Directive: true}, nil},
		{"not JSON", `{"event":`, Kind{}, ErrNotJSON},
		{"trailing data", `{"event":{}} {}`, Kind{}, ErrNotJSON},
		{"empty", ``, Kind{}, ErrNotJSON},
		{"array", `[]`, Kind{}, ErrNotMessage},
		{"string", `"event"`, Kind{}, ErrNotMessage},
		{"event not an object", `{"event":[]}`, Kind{}, ErrNotMessage},
		{"neither", `{"context":{}}`, Kind{}, ErrNotMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := KindOf([]byte(tt.in))
			if !errors.Is(err, tt.wantErr) || (err != nil) != (tt.wantErr != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("KindOf = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	t.Parallel()
	if got := (Kind{Namespace: "Alexa", Name: "ChangeReport"}).String(); got != "event Alexa/ChangeReport" {
		t.Errorf("got %q", got)
	}
	if got := (Kind{Directive: true, Namespace: "Alexa.PowerController", Name: "TurnOn"}).String(); got != "directive Alexa.PowerController/TurnOn" {
		t.Errorf("got %q", got)
	}
}

func TestValidateNotAMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want error
	}{
		{`{`, ErrNotJSON},
		{`{"event":{}}x`, ErrNotJSON},
		{"\xff", ErrNotJSON},
		{`null`, ErrNotMessage},
		{`{"event":"x"}`, ErrNotMessage},
	}
	for _, tt := range tests {
		if err := testValidator.Validate([]byte(tt.in)); !errors.Is(err, tt.want) {
			t.Errorf("Validate(%q) = %v, want %v", tt.in, err, tt.want)
		}
		if err := Validate([]byte(tt.in)); !errors.Is(err, tt.want) {
			t.Errorf("package Validate(%q) = %v, want %v", tt.in, err, tt.want)
		}
	}
}

func TestKnown(t *testing.T) {
	t.Parallel()
	v := New()
	for _, k := range []Kind{
		{Directive: true, Namespace: "Alexa", Name: "ReportState"},
		{Directive: true, Namespace: "Alexa.ToggleController", Name: "TurnOn"},
		{Namespace: "Alexa", Name: "ChangeReport"},
		{Namespace: "Alexa.Discovery", Name: "DeleteReport"},
		{Namespace: "Alexa.InventoryUsageSensor", Name: "InventoryConsumed"},
		{Namespace: "Alexa.InventoryLevelUsageSensor", Name: "InventoryConsumed"},
		{Namespace: "Alexa.ThermostatController", Name: "ErrorResponse"},
		{Namespace: "Alexa.SeekController", Name: "StateReport"},
		{Directive: true, Namespace: "Alexa.SecurityPanelController", Name: "Arm"},
		{Namespace: "Alexa.SecurityPanelController", Name: "Arm.Response"},
		{Namespace: "Alexa.SecurityPanelController", Name: "ErrorResponse"},
		{Directive: true, Namespace: "Alexa.CameraStreamController", Name: "InitializeCameraStreams"},
		{Namespace: "Alexa.CameraStreamController", Name: "Response"},
		{Directive: true, Namespace: "Alexa.RTCSessionController", Name: "SessionConnected"},
		{Namespace: "Alexa.RTCSessionController", Name: "AnswerGeneratedForSession"},
		{Directive: true, Namespace: "Alexa.EqualizerController", Name: "SetMode"},
		{Namespace: "Alexa.WakeOnLANController", Name: "WakeUp"},
		{Namespace: "Alexa.Commissionable", Name: "ReportCommissioningInformation.ErrorResponse"},
		{Namespace: "Alexa.Cooking", Name: "ErrorResponse"},
		{Namespace: "Alexa.DataController", Name: "ErrorResponse"},
		{Namespace: "Alexa.SmartVision.ObjectDetectionSensor", Name: "ErrorResponse"},
		{Namespace: "Alexa.SmartVision.SnapshotProvider", Name: "ErrorResponse"},
		{Namespace: "Alexa.ThermostatController.Configuration", Name: "ErrorResponse"},
	} {
		if !v.Known(k) {
			t.Errorf("Known(%v) = false", k)
		}
	}
	for _, k := range []Kind{
		{Namespace: "Alexa", Name: "ReportState"}, // a directive, not an event
		{Directive: true, Namespace: "Alexa", Name: "ChangeReport"},
		{Directive: true, Namespace: "Alexa.SceneController", Name: "Activate"},
		{Namespace: "Alexa.Discovery", Name: "Discover"},
		{Namespace: "Alexa.Commissionable", Name: "ErrorResponse"}, // its ErrorResponse has another name
		{},
	} {
		if v.Known(k) {
			t.Errorf("Known(%v) = true", k)
		}
	}
	kinds := v.Kinds()
	if len(kinds) != 106 {
		t.Errorf("%d kinds, want 106", len(kinds))
	}
	kinds[0] = Kind{} // a copy: must not change the Validator
	if v.Kinds()[0] == (Kind{}) {
		t.Error("Kinds returns the Validator's own slice")
	}
}

// TestSchemasCompile compiles every known kind and the generic envelopes,
// strict and lenient.
func TestSchemasCompile(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{true, false} {
		v := newValidatorOf(strict)
		for _, k := range v.Kinds() {
			if _, err := v.schema(v.entries[k]); err != nil {
				t.Errorf("strict %v: %v: %v", strict, k, err)
			}
		}
		for _, e := range v.generic {
			if _, err := v.schema(e); err != nil {
				t.Errorf("strict %v: %v", strict, err)
			}
		}
	}
}

// TestFS checks the embedded files: each is a draft 2020-12 schema whose $id
// is its name under BaseURL, and the whole set compiles with a standard
// compiler from index.json.
func TestFS(t *testing.T) {
	t.Parallel()
	fsys := FS()
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 20 {
		t.Fatalf("only %d schema files", len(names))
	}
	c := jsonschema.NewCompiler()
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(data)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		m, _ := doc.(map[string]any)
		if m["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s: $schema = %v", name, m["$schema"])
		}
		if m["$id"] != BaseURL+name {
			t.Errorf("%s: $id = %v, want %s", name, m["$id"], BaseURL+name)
		}
		if err := c.AddResource(BaseURL+name, doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	sch, err := c.Compile(IndexURL)
	if err != nil {
		t.Fatal(err)
	}
	// The index alone validates messages of every kind, like Validate.
	for _, dir := range []string{"valid", "invalid"} {
		for _, fx := range loadFixtures(t, dir) {
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(string(fx.data)))
			if err != nil {
				t.Fatal(err)
			}
			err = sch.Validate(inst)
			if (err == nil) != (dir == "valid") {
				t.Errorf("index.json on %s: %v", fx.name, err)
			}
		}
	}
}

func TestIndexTable(t *testing.T) {
	t.Parallel()
	idx, err := parseIndex()
	if err != nil {
		t.Fatal(err)
	}
	for k, u := range idx.kinds {
		if !strings.HasPrefix(u, BaseURL) || !strings.Contains(u, "#/$defs/") {
			t.Errorf("%v: schema URL %s", k, u)
		}
		def := "event."
		if k.Directive {
			def = "directive."
		}
		if !strings.HasSuffix(u, "#/$defs/"+def+k.Name) {
			t.Errorf("%v: schema URL %s does not name the message", k, u)
		}
	}
}

func TestErrorString(t *testing.T) {
	t.Parallel()
	k := Kind{Namespace: "Alexa", Name: "ChangeReport"}
	tests := []struct {
		vs   []Violation
		want string
	}{
		{nil, "schemas: invalid event Alexa/ChangeReport message"},
		{[]Violation{{"/event/header/messageId", "bad"}}, "schemas: invalid event Alexa/ChangeReport: /event/header/messageId: bad"},
		{[]Violation{{"", "x"}, {"/a", "y"}}, "schemas: invalid event Alexa/ChangeReport: 2 violations\n\t/: x\n\t/a: y"},
		{[]Violation{{"/a", "1"}, {"/b", "2"}, {"/c", "3"}, {"/d", "4"}, {"/e", "5"}},
			"schemas: invalid event Alexa/ChangeReport: 5 violations\n\t/a: 1\n\t/b: 2\n\t/c: 3\n\t... and 2 more"},
	}
	for _, tt := range tests {
		if got := (&Error{Kind: k, Violations: tt.vs}).Error(); got != tt.want {
			t.Errorf("got %q\nwant %q", got, tt.want)
		}
	}
}

// TestViolations pins the messages and paths of typical mistakes.
func TestViolations(t *testing.T) {
	t.Parallel()
	cr := string(mustRead(t, "testdata/valid/Alexa.ChangeReport.json"))
	tests := []struct {
		name string
		msg  string
		want []Violation
	}{
		{"missing member", strings.Replace(cr, `"name": "ChangeReport",`, ``, 1),
			[]Violation{{"/event/header/name", "required member is missing"}}},
		{"forbidden member", strings.Replace(cr, `"name": "ChangeReport",`, `"name": "ChangeReport", "correlationToken": "abc",`, 1),
			[]Violation{{"/event/header/correlationToken", "member is not allowed"}}},
		{"wrong value", strings.Replace(cr, `"PERIODIC_POLL"`, `"POLL"`, 1),
			[]Violation{{"/event/payload/change/cause/type", "value must be one of 'APP_INTERACTION', 'PHYSICAL_INTERACTION', 'PERIODIC_POLL', 'RULE_TRIGGER', 'VOICE_INTERACTION', 'ALEXA_INTERACTION', 'INVALID_CREDENTIALS', 'SUBSCRIPTION_EXPIRED'"}}},
		{"wrong type", strings.Replace(cr, `"uncertaintyInMilliseconds": 500`, `"uncertaintyInMilliseconds": "500"`, 1),
			[]Violation{{"/context/properties/0/uncertaintyInMilliseconds", "got string, want number"}}},
		{"out of range", strings.Replace(cr, `"value": 42`, `"value": 100.5`, 1),
			[]Violation{{"/event/payload/change/properties/0/value/value", "must be at most 100"}}},
		{"one of several members", strings.Replace(cr, `"type": "BearerToken"`, `"type": "BearerTokenWithPartition"`, 1),
			[]Violation{{"/event/endpoint/scope/partition", "required member is missing"}, {"/event/endpoint/scope/userId", "required member is missing"}}},
		{"pointer escaping", strings.Replace(cr, `"cause": {`, `"cause": {"a/b~c": 1,`, 1),
			[]Violation{{"/event/payload/change/cause/a~1b~0c", "member is not allowed"}}},
		{"alternatives", `{"directive":{"header":{"namespace":"Alexa.ThermostatController","name":"SetTargetTemperature","messageId":"m-1","correlationToken":"c","payloadVersion":"3"},` +
			`"endpoint":{"endpointId":"t","scope":{"type":"BearerToken","token":"x"}},"payload":{}}}`,
			[]Violation{{"/directive/payload", `requires at least one of the members "targetSetpoint", "lowerSetpoint", "upperSetpoint"`}}},
		{"number too large for a float64", `{"directive":{"header":{"namespace":"Alexa.RangeController","name":"SetRangeValue","instance":"Fan.Speed","messageId":"m-1","correlationToken":"c","payloadVersion":"3"},` +
			`"endpoint":{"endpointId":"t","scope":{"type":"BearerToken","token":"x"}},"payload":{"rangeValue":1e400}}}`,
			[]Violation{{"/directive/payload/rangeValue", "must be at most 1.7976931348623157e+308"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, violationsOf(t, testValidator.Validate([]byte(tt.msg)))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestConcurrentFirstUse validates every fixture from many goroutines with a
// fresh Validator, so that kinds compile concurrently (run with -race).
func TestConcurrentFirstUse(t *testing.T) {
	t.Parallel()
	v := New()
	fixtures := append(loadFixtures(t, "valid"), loadFixtures(t, "invalid")...)
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(fixtures))
	for i := 0; i < 4; i++ {
		for _, fx := range fixtures {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := v.Validate(fx.data)
				if valid := strings.HasPrefix(fx.name, "valid/"); (err == nil) != valid {
					errs <- fx.name + ": " + errString(err)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func errString(err error) string {
	if err == nil {
		return "accepted"
	}
	return err.Error()
}

// TestDiscoveryLimits checks the limits too big for fixture files: 300
// endpoints per message and 100 capabilities per endpoint.
func TestDiscoveryLimits(t *testing.T) {
	t.Parallel()
	endpoint := func(id string, caps int) string {
		c := make([]string, caps)
		c[0] = `{"type":"AlexaInterface","interface":"Alexa","version":"3"}`
		for i := 1; i < caps; i++ {
			c[i] = `{"type":"AlexaInterface","interface":"Vendor.Feature` + strconv.Itoa(i) + `","version":"1"}`
		}
		return `{"endpointId":"` + id + `","manufacturerName":"M","description":"D","friendlyName":"F","displayCategories":["OTHER"],"capabilities":[` + strings.Join(c, ",") + `]}`
	}
	message := func(n, caps int) []byte {
		eps := make([]string, n)
		for i := range eps {
			eps[i] = endpoint("ep-"+strconv.Itoa(i), caps)
		}
		return []byte(`{"event":{"header":{"namespace":"Alexa.Discovery","name":"Discover.Response","messageId":"m-1","payloadVersion":"3"},"payload":{"endpoints":[` + strings.Join(eps, ",") + `]}}}`)
	}
	tests := []struct {
		name string
		msg  []byte
		want []Violation
	}{
		{"300 endpoints", message(300, 2), nil},
		{"301 endpoints", message(301, 2), []Violation{{"/event/payload/endpoints", "maxItems: got 301, want 300"}}},
		{"100 capabilities", message(1, 100), nil},
		{"101 capabilities", message(1, 101), []Violation{{"/event/payload/endpoints/0/capabilities", "maxItems: got 101, want 100"}}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, violationsOf(t, testValidator.Validate(tt.msg))); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestViolationsQuoteNoValue puts a token where a pattern, a format and
// a maximum fail, and wants neither the error nor its summary to quote it.
func TestViolationsQuoteNoValue(t *testing.T) {
	const secret = "Atza|IwEBIsecret-token-value"
	cr := string(mustRead(t, "testdata/valid/Alexa.ChangeReport.json"))
	bad := strings.Replace(cr, `"endpointId": "`, `"endpointId": "`+secret+` `, 1)
	bad = strings.Replace(bad, `"timeOfSample": "`, `"timeOfSample": "`+secret, 1)
	err := Validate([]byte(bad))
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("Validate = %v, want an *Error", err)
	}
	if len(se.Violations) < 2 {
		t.Fatalf("violations %v, want the endpointId and the timeOfSample", se.Violations)
	}
	for _, s := range []string{err.Error(), se.Summary(), fmt.Sprint(se.Violations)} {
		if strings.Contains(s, "secret") {
			t.Errorf("%q quotes the message's value", s)
		}
	}
	if got, want := se.Summary(), "invalid event Alexa/ChangeReport: "+se.Violations[0].String()+" (and "+strconv.Itoa(len(se.Violations)-1)+" more)"; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
}
