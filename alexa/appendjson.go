package alexa

import (
	"encoding/json"
	"slices"
	"strconv"
)

// AppendJSON appends the JSON encoding of m to b: the same bytes
// json.Marshal(m) writes, built without reflection for the messages a skill
// sends most (strings that need no escaping, compact raw values), and by
// json.Marshal for the others. The Router and the events client encode with
// it.
func (m *EventMessage) AppendJSON(b []byte) ([]byte, error) {
	b = slices.Grow(b, m.encodedSize())
	if out, ok := appendEvent(b, m); ok {
		return out, nil
	}
	return appendMarshal(b, *m)
}

// appendMarshal appends json.Marshal's encoding of m. It takes a copy, so
// that only the rare messages that need it, not every caller's m, move to
// the heap.
func appendMarshal(b []byte, m EventMessage) ([]byte, error) {
	enc, err := json.Marshal(&m)
	if err != nil {
		return b, err
	}
	return append(b, enc...), nil
}

// encodedSize estimates the length of m's encoding.
func (m *EventMessage) encodedSize() int {
	h := &m.Event.Header
	n := 128 + len(h.Namespace) + len(h.Name) + len(h.Instance) + len(h.MessageID) + len(h.CorrelationToken) + len(m.Event.Payload)
	if e := m.Event.Endpoint; e != nil {
		n += 64 + len(e.EndpointID)
		if s := e.Scope; s != nil {
			n += 64 + len(s.Token) + len(s.Partition) + len(s.UserID)
		}
		for k, v := range e.Cookie {
			n += 6 + len(k) + len(v)
		}
	}
	if m.Context != nil {
		n += 32
		for i := range m.Context.Properties {
			p := &m.Context.Properties[i]
			n += 112 + len(p.Namespace) + len(p.Instance) + len(p.Name) + len(p.Value)
		}
	}
	return n
}

// appendEvent appends m's encoding, or reports false (with b unchanged in
// meaning) if m holds a value whose encoding json.Marshal would escape or
// compact.
func appendEvent(b []byte, m *EventMessage) ([]byte, bool) {
	start := len(b)
	h := &m.Event.Header
	if !plainString(string(h.Namespace)) || !plainString(string(h.Name)) || !plainString(h.Instance) ||
		!plainString(h.MessageID) || !plainString(h.CorrelationToken) || !plainString(h.PayloadVersion) {
		return b, false
	}
	b = append(b, `{"event":{"header":{"namespace":"`...)
	b = append(b, h.Namespace...)
	b = append(b, `","name":"`...)
	b = append(b, h.Name...)
	if h.Instance != "" {
		b = append(b, `","instance":"`...)
		b = append(b, h.Instance...)
	}
	b = append(b, `","messageId":"`...)
	b = append(b, h.MessageID...)
	if h.CorrelationToken != "" {
		b = append(b, `","correlationToken":"`...)
		b = append(b, h.CorrelationToken...)
	}
	b = append(b, `","payloadVersion":"`...)
	b = append(b, h.PayloadVersion...)
	b = append(b, `"}`...)
	if e := m.Event.Endpoint; e != nil {
		var ok bool
		if b, ok = appendEndpoint(append(b, `,"endpoint":`...), e); !ok {
			return b[:start], false
		}
	}
	b = append(b, `,"payload":`...)
	if m.Event.Payload == nil {
		b = append(b, "null"...)
	} else if !plainRaw(m.Event.Payload) {
		return b[:start], false
	} else {
		b = append(b, m.Event.Payload...)
	}
	b = append(b, '}')
	if c := m.Context; c != nil {
		b = append(b, `,"context":{"properties":`...)
		if c.Properties == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for i := range c.Properties {
				if i > 0 {
					b = append(b, ',')
				}
				var ok bool
				if b, ok = appendProperty(b, &c.Properties[i]); !ok {
					return b[:start], false
				}
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	return append(b, '}'), true
}

func appendEndpoint(b []byte, e *Endpoint) ([]byte, bool) {
	b = append(b, '{')
	if s := e.Scope; s != nil {
		if !plainString(string(s.Type)) || !plainString(string(s.Token)) || !plainString(s.Partition) || !plainString(s.UserID) {
			return b, false
		}
		b = append(b, `"scope":{"type":"`...)
		b = append(b, s.Type...)
		b = append(b, `","token":"`...)
		b = append(b, s.Token...)
		if s.Partition != "" {
			b = append(b, `","partition":"`...)
			b = append(b, s.Partition...)
		}
		if s.UserID != "" {
			b = append(b, `","userId":"`...)
			b = append(b, s.UserID...)
		}
		b = append(b, `"},`...)
	}
	if !plainString(e.EndpointID) {
		return b, false
	}
	b = append(b, `"endpointId":"`...)
	b = append(b, e.EndpointID...)
	b = append(b, '"')
	if e.Cookie != nil {
		var ok bool
		if b, ok = appendStringMap(append(b, `,"cookie":`...), e.Cookie); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

func appendProperty(b []byte, p *Property) ([]byte, bool) {
	if !plainString(string(p.Namespace)) || !plainString(p.Instance) || !plainString(string(p.Name)) || !plainRaw(p.Value) {
		return b, false
	}
	b = append(b, `{"namespace":"`...)
	b = append(b, p.Namespace...)
	if p.Instance != "" {
		b = append(b, `","instance":"`...)
		b = append(b, p.Instance...)
	}
	b = append(b, `","name":"`...)
	b = append(b, p.Name...)
	b = append(b, `","value":`...)
	b = append(b, p.Value...)
	if !p.TimeOfSample.IsZero() {
		b = append(b, `,"timeOfSample":"`...)
		out, err := p.TimeOfSample.appendText(b)
		if err != nil {
			return b, false
		}
		b = append(out, '"')
	}
	b = append(b, `,"uncertaintyInMilliseconds":`...)
	b = strconv.AppendInt(b, p.UncertaintyInMilliseconds, 10)
	return append(b, '}'), true
}

// plainString reports whether json.Marshal writes s as is between quotes:
// printable ASCII without the characters it escapes.
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !plainChar[s[i]] {
			return false
		}
	}
	return true
}

// plainRaw reports whether json.Marshal writes the raw value r as is:
// valid JSON in ASCII with no whitespace (so nothing to compact) and none
// of the characters it escapes.
func plainRaw(r json.RawMessage) bool {
	if len(r) == 0 {
		return false
	}
	if len(r) == 2 && r[0] == '{' && r[1] == '}' {
		return true
	}
	for _, c := range r {
		if !plainRawChar[c] {
			return false
		}
	}
	if ok, known := validScalar(r); known {
		return ok
	}
	return json.Valid(r)
}

// validScalar reports, for the values a property holds most (a string
// without escapes, a number, true, false, null), whether r is valid JSON,
// with known true; for the others (objects, arrays, escapes) known is false
// and json.Valid decides. r holds plainRawChar bytes only.
func validScalar(r []byte) (ok, known bool) {
	switch c := r[0]; {
	case c == '"':
		if len(r) < 2 || r[len(r)-1] != '"' {
			return false, true
		}
		for _, c := range r[1 : len(r)-1] {
			if c == '"' || c == '\\' {
				return false, false
			}
		}
		return true, true
	case c == '-' || c >= '0' && c <= '9':
		return validNumber(r), true
	case c == 't' || c == 'f' || c == 'n':
		s := string(r) // no allocation: compared only
		return s == "true" || s == "false" || s == "null", true
	}
	return false, false
}

// validNumber reports whether r is a JSON number:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func validNumber(r []byte) bool {
	i := 0
	if r[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(r) && r[i] >= '0' && r[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(r) && r[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(r) && r[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(r) && (r[i] == 'e' || r[i] == 'E') {
		i++
		if i < len(r) && (r[i] == '+' || r[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(r)
}

// plainChar marks the bytes json.Marshal writes as is in a string;
// plainRawChar those it keeps as is in a raw value (quotes and
// backslashes included, whitespace not).
var plainChar, plainRawChar = func() (s, r [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		switch c {
		case '<', '>', '&':
		case '"', '\\':
			r[c] = true
		case ' ':
			s[c] = true
		default:
			s[c], r[c] = true, true
		}
	}
	return s, r
}()
