package local

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// Debugger prints the messages of a local run as the Alexa developer
// console's Smart Home debugger shows them: one line per message with the
// time, the direction, the namespace and name, the endpoint and the key
// properties; with FullJSON, the whole message follows, indented, with
// every token and grant code replaced by "[redacted]". It is safe for
// concurrent use; lines never interleave.
type Debugger struct {
	// Out receives the lines; nil discards them.
	Out io.Writer
	// FullJSON prints each message's JSON after its line.
	FullJSON bool
	// Now is the clock of the line times; nil means time.Now.
	Now func() time.Time

	mu      sync.Mutex
	entries []DebugEntry // the last maxEntries
	seq     int64
}

// DebugEntry is one line of the debugger, for the Alexa view.
type DebugEntry struct {
	Seq       int64     `json:"seq"`
	Time      time.Time `json:"time"`
	Direction string    `json:"direction"`
	Text      string    `json:"text"`
	// JSON is the message, every token and grant code redacted; absent
	// for lines that are not messages.
	JSON json.RawMessage `json:"json,omitempty"`
}

// maxEntries is how many entries the debugger keeps.
const maxEntries = 1000

// Entries returns the entries after seq, oldest first.
func (d *Debugger) Entries(after int64) []DebugEntry {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []DebugEntry
	for _, e := range d.entries {
		if e.Seq > after {
			out = append(out, e)
		}
	}
	return out
}

// Direction labels.
const (
	dirToSkill   = "Alexa → skill  "
	dirFromSkill = "skill → Alexa  "
	dirGateway   = "backend → Alexa"
	dirDevice    = "light          "
	dirApp       = "app → API      "
	dirDash      = "Dash           "
	dirNote      = "local          "
)

func (d *Debugger) printf(dir, format string, args ...any) { d.record(dir, nil, format, args...) }

// record prints a line (and the message raw, with FullJSON) and keeps it
// as an entry.
func (d *Debugger) record(dir string, raw []byte, format string, args ...any) {
	if d == nil {
		return
	}
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	t := now()
	text := fmt.Sprintf(format, args...)
	var redacted json.RawMessage
	if len(raw) > 0 && json.Valid(raw) {
		redacted = Redact(raw)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seq++
	d.entries = append(d.entries, DebugEntry{Seq: d.seq, Time: t, Direction: strings.TrimSpace(dir), Text: text, JSON: redacted})
	if len(d.entries) > maxEntries {
		d.entries = append(d.entries[:0:0], d.entries[len(d.entries)-maxEntries:]...)
	}
	if d.Out == nil {
		return
	}
	_, _ = io.WriteString(d.Out, t.Format("15:04:05.000")+"  "+dir+"  "+text+"\n")
	if d.FullJSON && redacted != nil {
		var buf bytes.Buffer
		if json.Indent(&buf, redacted, "    ", "  ") == nil {
			_, _ = io.WriteString(d.Out, "    "+buf.String()+"\n")
		}
	}
}

// Note prints a line of the local run itself.
func (d *Debugger) Note(format string, args ...any) { d.printf(dirNote, format, args...) }

// Dash prints what the fake Dash Replenishment service did.
func (d *Debugger) Dash(format string, args ...any) { d.printf(dirDash, format, args...) }

// Device prints a light's accepted report.
func (d *Debugger) Device(serial string, reported map[string]json.RawMessage) {
	keys := make([]string, 0, len(reported))
	for k := range reported {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		v := string(reported[k])
		if k == "command" {
			var c device.Command
			_ = json.Unmarshal(reported[k], &c)
			v = "ack(" + string(c.Source) + ")"
		}
		parts = append(parts, k+"="+v)
	}
	d.printf(dirDevice, "%s reported %s", serial, strings.Join(parts, " "))
}

// Directive prints a directive the skill received.
func (d *Debugger) Directive(raw []byte) {
	dir, err := alexa.ParseDirective(raw)
	if err != nil {
		d.printf(dirToSkill, "(not a directive, %d bytes)", len(raw))
		return
	}
	s := string(dir.Header.Namespace) + "." + string(dir.Header.Name)
	if id := dir.EndpointID(); id != "" {
		s += "  " + id
	}
	d.record(dirToSkill, raw, "%s", s)
}

// Reply prints the skill's answer to a directive.
func (d *Debugger) Reply(raw []byte) {
	d.record(dirFromSkill, raw, "%s", summarize(raw, 0))
}

// Event prints an event sent to the event gateway and the gateway's
// answer.
func (d *Debugger) Event(raw []byte, status int, err error) {
	answer := strconv.Itoa(status)
	if err != nil {
		answer = "failed: " + err.Error()
	}
	d.record(dirGateway, raw, "%s  → %s", summarize(raw, status), answer)
}

// App prints a request to the devices API.
func (d *Debugger) App(method, path string, status int) {
	d.printf(dirApp, "%s %s → %d", method, path, status)
}

// summarize describes an event message on one line.
func summarize(raw []byte, _ int) string {
	m, err := alexa.ParseEvent(raw)
	if err != nil {
		return fmt.Sprintf("(not an event, %d bytes)", len(raw))
	}
	h := m.Event.Header
	var b strings.Builder
	b.WriteString(string(h.Namespace) + "." + string(h.Name))
	if m.Event.Endpoint != nil && m.Event.Endpoint.EndpointID != "" {
		b.WriteString("  " + m.Event.Endpoint.EndpointID)
	}
	switch {
	case h.Name == alexa.NameErrorResponse:
		if e, ok := alexa.ErrorFromEvent(m); ok {
			fmt.Fprintf(&b, "  %s: %s", e.Type, e.Message)
		}
	case h.Name == alexa.NameChangeReport:
		var p alexa.ChangeReportPayload
		if m.DecodePayload(&p) == nil {
			fmt.Fprintf(&b, "  cause=%s  change: %s", p.Change.Cause.Type, props(p.Change.Properties))
			if ctx := m.Properties(); len(ctx) > 0 {
				b.WriteString("  context: " + props(ctx))
			}
		}
	case h.Name == alexa.NameDiscoverResponse || h.Name == alexa.NameAddOrUpdateReport:
		var p alexa.DiscoverResponsePayload
		if m.DecodePayload(&p) == nil {
			fmt.Fprintf(&b, "  %d endpoint(s)", len(p.Endpoints))
			for _, e := range p.Endpoints {
				fmt.Fprintf(&b, "  %s %q [%s]", e.EndpointID, e.FriendlyName, capabilities(e))
			}
		}
	case h.Name == alexa.NameDeleteReport:
		var p alexa.DeleteReportPayload
		if m.DecodePayload(&p) == nil {
			for _, e := range p.Endpoints {
				b.WriteString("  " + e.EndpointID)
			}
		}
	default:
		if ps := m.Properties(); len(ps) > 0 {
			b.WriteString("  " + props(ps))
		}
	}
	return b.String()
}

func capabilities(e alexa.DiscoveryEndpoint) string {
	var out []string
	for _, c := range e.Capabilities {
		if c.Interface == alexa.NamespaceAlexa {
			continue
		}
		s := strings.TrimPrefix(string(c.Interface), "Alexa.")
		if c.CapabilityResources != nil && len(c.CapabilityResources.FriendlyNames) > 0 {
			s += "(" + c.CapabilityResources.FriendlyNames[0].Value.Text + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// props describes properties as name=value.
func props(ps []alexa.Property) string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		v := string(p.Value)
		switch p.Name {
		case alexa.PropertyPowerState:
			v = strings.Trim(v, `"`)
		case alexa.PropertyLevel:
			var l alexa.Level
			if json.Unmarshal(p.Value, &l) == nil {
				v = strconv.FormatFloat(l.Value, 'f', -1, 64)
				if l.Type == alexa.MeasurementPercentage {
					v += "%"
				}
			}
		case alexa.PropertyConnectivity:
			var c alexa.Connectivity
			if json.Unmarshal(p.Value, &c) == nil {
				v = string(c.Value)
			}
		}
		out = append(out, string(p.Name)+"="+v)
	}
	return strings.Join(out, " ")
}

// Redact returns the JSON message raw with the value of every "token"
// member, and of the grant's "code", replaced by "[redacted]"; what is not
// JSON is returned as "[not JSON]".
func Redact(raw []byte) []byte {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return []byte(`"[not JSON]"`)
	}
	v = redactValue(v, "")
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(`"[not JSON]"`)
	}
	return b
}

func redactValue(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			switch {
			case k == "token" || k == "access_token" || k == "refresh_token",
				k == "code" && key == "grant":
				if _, ok := c.(string); ok {
					x[k] = "[redacted]"
					continue
				}
			}
			x[k] = redactValue(c, k)
		}
		return x
	case []any:
		for i := range x {
			x[i] = redactValue(x[i], key)
		}
		return x
	}
	return v
}

// printingTransport prints every event the events client sends.
type printingTransport struct {
	base  http.RoundTripper
	dbg   *Debugger
	after func() // called after each request, if set
}

func (t printingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil && r.GetBody != nil {
		if rc, err := r.GetBody(); err == nil {
			body, _ = io.ReadAll(io.LimitReader(rc, 1<<20))
			_ = rc.Close()
		}
	}
	resp, err := t.base.RoundTrip(r)
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	t.dbg.Event(body, status, err)
	if t.after != nil {
		t.after()
	}
	return resp, err
}

// captureWriter records the status and body of a response.
type captureWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (c *captureWriter) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}

// printDirectives wraps the skill's HTTP handler to print each directive
// and its answer.
func printDirectives(dbg *Debugger, h http.Handler, maxBytes int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			h.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBytes+1))
		if err != nil {
			http.Error(w, "cannot read the directive", http.StatusBadRequest)
			return
		}
		dbg.Directive(body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		cw := &captureWriter{ResponseWriter: w}
		h.ServeHTTP(cw, r)
		dbg.Reply(cw.body.Bytes())
	})
}

// printRequests wraps the devices API to print each request's method,
// path and status (never its headers or body).
func printRequests(dbg *Debugger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &captureWriter{ResponseWriter: w}
		h.ServeHTTP(cw, r)
		dbg.App(r.Method, r.URL.Path, cw.status)
	})
}
