package alexa_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

// ctlSeeker is a player of a media item of length milliseconds.
type ctlSeeker struct {
	mu       sync.Mutex
	position int
	length   int
	calls    *ctlCounter
}

func (s *ctlSeeker) AdjustSeekPosition(_ context.Context, d *alexa.Directive, p alexa.AdjustSeekPositionPayload) (*alexa.EventMessage, error) {
	s.calls.inc()
	s.mu.Lock()
	s.position = min(max(s.position+p.DeltaPositionMilliseconds, 0), s.length)
	pos := s.position
	s.mu.Unlock()
	return d.SeekStateReport(pos, alexa.ConnectivityProperty(alexa.ConnectivityOK))
}

// ctlBadSeeker answers with a StateReport it wrote itself, whose position
// is negative.
type ctlBadSeeker struct{ calls *ctlCounter }

func (s ctlBadSeeker) AdjustSeekPosition(_ context.Context, d *alexa.Directive, _ alexa.AdjustSeekPositionPayload) (*alexa.EventMessage, error) {
	s.calls.inc()
	m, err := d.SeekStateReport(0)
	if err != nil {
		return nil, err
	}
	m.Event.Payload = json.RawMessage(`{"properties":[{"name":"positionMilliseconds","value":-1}]}`)
	return m, nil
}

// ctlSeekReport returns the JSON of the StateReport a ctlSeeker sends at
// position pos.
func ctlSeekReport(pos int) string {
	return ctlEvent(string(alexa.NamespaceSeekController), string(alexa.NameStateReport),
		`{"properties":[{"name":"positionMilliseconds","value":`+strconv.Itoa(pos)+`}]}`,
		ctlProp(alexa.NamespaceEndpointHealth, "", alexa.PropertyConnectivity, `{"value":"OK"}`))
}

func TestHandleSeekController(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleSeekController(&ctlSeeker{position: 60_000, length: 3_600_000, calls: n})
		return r, n
	}
	dir := func(payload string) []byte {
		return ctlDirective(alexa.NamespaceSeekController, alexa.NameAdjustSeekPosition, "", payload)
	}
	ctlRun(t, setup, []ctlCase{
		{name: "forward", in: dir(`{"deltaPositionMilliseconds":30000}`), want: ctlSeekReport(90_000), calls: 1},
		{name: "back", in: dir(`{"deltaPositionMilliseconds":-45000}`), want: ctlSeekReport(15_000), calls: 1},
		{name: "back past the start", in: dir(`{"deltaPositionMilliseconds":-600000}`), want: ctlSeekReport(0), calls: 1},
		{name: "past the end", in: dir(`{"deltaPositionMilliseconds":86400000}`), want: ctlSeekReport(3_600_000), calls: 1},
		{name: "more than a day", in: dir(`{"deltaPositionMilliseconds":86400001}`), wantErr: ctlOutOfRange(-alexa.MaxSeekMilliseconds, alexa.MaxSeekMilliseconds)},
		{name: "more than a day back", in: dir(`{"deltaPositionMilliseconds":-86400001}`), wantErr: ctlOutOfRange(-alexa.MaxSeekMilliseconds, alexa.MaxSeekMilliseconds)},
		{name: "missing", in: dir(`{}`), wantErr: ctlInvalidDirective},
		{name: "null", in: dir(`{"deltaPositionMilliseconds":null}`), wantErr: ctlInvalidDirective},
		{name: "fraction", in: dir(`{"deltaPositionMilliseconds":1.5}`), wantErr: ctlInvalidDirective},
		{name: "string", in: dir(`{"deltaPositionMilliseconds":"30000"}`), wantErr: ctlInvalidDirective},
		{name: "huge", in: dir(`{"deltaPositionMilliseconds":1e300}`), wantErr: ctlInvalidDirective},
	})
	ctlRun(t, func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleSeekController(ctlBadSeeker{calls: n})
		return r, n
	}, []ctlCase{
		{name: "negative position", in: dir(`{"deltaPositionMilliseconds":-1}`), wantErr: &alexa.Error{Type: alexa.ErrorInternalError}, calls: 1},
	})

	got := ctlCapabilityJSON(t, alexa.SeekControllerCapability())
	want := `{"type":"AlexaInterface","interface":"Alexa.SeekController","version":"3",
		"properties":{"supported":[{"name":"positionMilliseconds"}],"proactivelyReported":false,"retrievable":false}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
}

// TestSeekStateReportDefect checks that the Router says what was wrong
// with a StateReport's payload, quoting no value.
func TestSeekStateReportDefect(t *testing.T) {
	t.Parallel()
	r := ctlRouter()
	r.HandleSeekController(ctlBadSeeker{calls: &ctlCounter{}})
	out := ctlInvoke(t, r, ctlDirective(alexa.NamespaceSeekController, alexa.NameAdjustSeekPosition, "", `{"deltaPositionMilliseconds":-1}`))
	m, err := alexa.ParseEvent(out)
	if err != nil {
		t.Fatal(err)
	}
	reason, ok := alexa.DefectReason(m)
	if !ok || !strings.Contains(reason, "Alexa.SeekController StateReport payload") || strings.Contains(reason, "-1") {
		t.Errorf("DefectReason = %q, %v; want one about the payload quoting no value", reason, ok)
	}
}

func TestSeekStateReport(t *testing.T) {
	t.Parallel()
	d, err := alexa.ParseDirective(ctlDirective(alexa.NamespaceSeekController, alexa.NameAdjustSeekPosition, "", `{"deltaPositionMilliseconds":5000}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, pos := range []int{0, 5000, alexa.MaxSeekMilliseconds} {
		m, err := d.SeekStateReport(pos)
		if err != nil {
			t.Fatalf("%d: %v", pos, err)
		}
		var p alexa.SeekStateReportPayload
		if err := json.Unmarshal(m.Event.Payload, &p); err != nil || p.Validate() != nil || p.Properties[0].Value != pos {
			t.Errorf("%d: payload %s (%v, %v)", pos, m.Event.Payload, err, p.Validate())
		}
		if h := m.Event.Header; h.Namespace != alexa.NamespaceSeekController || h.Name != alexa.NameStateReport || h.CorrelationToken != ctlToken || m.Context != nil {
			t.Errorf("%d: reply %+v, context %v", pos, h, m.Context)
		}
	}
	for _, pos := range []int{-1, alexa.MaxSeekMilliseconds + 1} {
		if _, err := d.SeekStateReport(pos); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("%d: %v, want ErrInvalidValue", pos, err)
		}
	}
	for _, p := range []alexa.SeekStateReportPayload{
		{},
		{Properties: []alexa.SeekProperty{{Name: "position", Value: 1}}},
		{Properties: []alexa.SeekProperty{{Name: alexa.PropertyPositionMilliseconds, Value: -1}}},
	} {
		if err := p.Validate(); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("Validate(%+v) = %v, want ErrInvalidValue", p, err)
		}
	}
	bad := alexa.Property{Namespace: alexa.NamespaceSeekController, Name: alexa.PropertyPositionMilliseconds, Value: []byte(`86400001`)}
	if !errors.Is(bad.Validate(), alexa.ErrInvalidValue) {
		t.Error("Property.Validate accepted a position over 24 hours")
	}
}

// TestSeekStateReportUpstream makes sure Amazon's published schema covers
// the Alexa.SeekController StateReport, so the replies of the tests above
// are checked against it (ctlInvoke), and that it describes the reply as
// this package builds it: positionMilliseconds in the payload, not in the
// context.
func TestSeekStateReportUpstream(t *testing.T) {
	t.Parallel()
	u, err := schemas.LoadUpstream(alexatest.UpstreamDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if k := (schemas.Kind{Namespace: string(alexa.NamespaceSeekController), Name: string(alexa.NameStateReport)}); !u.Covers(k) {
		t.Fatalf("the upstream schema does not cover %v", k)
	}
	d, err := alexa.ParseDirective(ctlDirective(alexa.NamespaceSeekController, alexa.NameAdjustSeekPosition, "", `{"deltaPositionMilliseconds":5000}`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := d.SeekStateReport(65_000)
	if err != nil {
		t.Fatal(err)
	}
	alexa.Builder{}.Finalize(m, true)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Validate(b); err != nil {
		t.Errorf("upstream rejects the reply: %v\n%s", err, b)
	}
	// The same position as a context property instead is not Amazon's shape.
	p, err := alexa.NewProperty(alexa.NamespaceSeekController, "", alexa.PropertyPositionMilliseconds, 65_000)
	if err != nil {
		t.Fatal(err)
	}
	wrong := d.Response(p)
	alexa.Builder{}.Finalize(wrong, true)
	if b, err = json.Marshal(wrong); err != nil {
		t.Fatal(err)
	}
	if u.Validate(b) == nil {
		t.Error("upstream accepts positionMilliseconds in an Alexa.Response's context")
	}
}
