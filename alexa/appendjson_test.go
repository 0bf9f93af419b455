package alexa_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
)

// checkAppendJSON fails unless m.AppendJSON writes json.Marshal's bytes.
func checkAppendJSON(t *testing.T, name string, m *alexa.EventMessage) {
	t.Helper()
	want, werr := json.Marshal(m)
	got, gerr := m.AppendJSON([]byte("prefix"))
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("%s: json.Marshal error %v, AppendJSON error %v", name, werr, gerr)
	}
	if werr != nil {
		return
	}
	if !bytes.HasPrefix(got, []byte("prefix")) || !bytes.Equal(got[len("prefix"):], want) {
		t.Fatalf("%s: AppendJSON wrote\n%s\nwant json.Marshal's\n%s", name, got, want)
	}
}

// TestAppendJSONMatchesMarshal: for every event fixture and for messages
// with what json.Marshal escapes or compacts, AppendJSON writes the same
// bytes.
func TestAppendJSONMatchesMarshal(t *testing.T) {
	files, _ := filepath.Glob("../schemas/testdata/*/*.json")
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := alexa.ParseEvent(b)
		if err != nil {
			continue
		}
		n++
		checkAppendJSON(t, f, m)
	}
	if n < 30 {
		t.Fatalf("only %d event fixtures", n)
	}

	base := func() *alexa.EventMessage {
		m, err := alexa.NewChangeReport("lamp-1", alexa.CausePhysicalInteraction,
			[]alexa.Property{alexa.PowerStateProperty(alexa.PowerOn).At(time.Date(2026, 1, 2, 3, 4, 5, 60_000_000, time.UTC), 500)},
			alexa.ConnectivityProperty(alexa.ConnectivityOK))
		if err != nil {
			t.Fatal(err)
		}
		m.Event.Endpoint.Scope = alexa.BearerScope("tok")
		return m
	}
	for name, edit := range map[string]func(m *alexa.EventMessage){
		"plain":              func(*alexa.EventMessage) {},
		"html in a string":   func(m *alexa.EventMessage) { m.Event.Endpoint.EndpointID = "a<b>&c" },
		"quote in the token": func(m *alexa.EventMessage) { m.Event.Endpoint.Scope.Token = `to"k` },
		"unicode":            func(m *alexa.EventMessage) { m.Event.Header.CorrelationToken = "café\u2028" },
		"control character":  func(m *alexa.EventMessage) { m.Event.Header.Instance = "a\tb" },
		"invalid utf-8":      func(m *alexa.EventMessage) { m.Event.Endpoint.EndpointID = "a\xffb" },
		"spaces in the payload": func(m *alexa.EventMessage) {
			m.Event.Payload = json.RawMessage(`{ "change" : { "cause" : {"type":"X"}, "properties": [] } }`)
		},
		"html in a value": func(m *alexa.EventMessage) { m.Context.Properties[0].Value = json.RawMessage(`"<on>"`) },
		"nil payload":     func(m *alexa.EventMessage) { m.Event.Payload = nil },
		"nil properties":  func(m *alexa.EventMessage) { m.Context.Properties = nil },
		"no context":      func(m *alexa.EventMessage) { m.Context = nil },
		"no endpoint":     func(m *alexa.EventMessage) { m.Event.Endpoint = nil },
		"partition scope": func(m *alexa.EventMessage) {
			m.Event.Endpoint.Scope.Partition, m.Event.Endpoint.Scope.UserID = "room", "u1"
		},
		"cookie": func(m *alexa.EventMessage) {
			m.Event.Endpoint.Cookie = map[string]string{"z": "1", "a": "2", "m": "x&y"}
		},
		"empty cookie": func(m *alexa.EventMessage) { m.Event.Endpoint.Cookie = map[string]string{} },
		"zero time":    func(m *alexa.EventMessage) { m.Context.Properties[0].TimeOfSample = alexa.Time{} },
		"year out of range": func(m *alexa.EventMessage) {
			m.Context.Properties[0].TimeOfSample = alexa.NewTime(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
		},
		"invalid raw value": func(m *alexa.EventMessage) { m.Context.Properties[0].Value = json.RawMessage(`{"a":`) },
		"empty raw value":   func(m *alexa.EventMessage) { m.Context.Properties[0].Value = nil },
		"negative uncertainty": func(m *alexa.EventMessage) {
			m.Context.Properties[0].UncertaintyInMilliseconds = -7
		},
	} {
		m := base()
		edit(m)
		checkAppendJSON(t, name, m)
	}
}

// FuzzAppendJSON: for any event message that decodes, AppendJSON writes
// json.Marshal's bytes.
func FuzzAppendJSON(f *testing.F) {
	files, _ := filepath.Glob("../schemas/testdata/valid/*.json")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"event":{"header":{"namespace":"A<","name":"B","messageId":"x","payloadVersion":"3"},"payload":{ }}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := alexa.ParseEvent(data)
		if err != nil {
			return
		}
		checkAppendJSON(t, "fuzz", m)
	})
}
