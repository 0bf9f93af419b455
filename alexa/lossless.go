package alexa

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// Unknown holds the members of a JSON object that this version of the SDK
// does not model, keyed by member name, so that decoding and re-encoding a
// discovery object loses nothing. Values are raw JSON.
type Unknown map[string]json.RawMessage

var knownKeysCache sync.Map // reflect.Type → map[string]bool

// knownKeys returns the JSON member names of struct type t.
func knownKeys(t reflect.Type) map[string]bool {
	if v, ok := knownKeysCache.Load(t); ok {
		return v.(map[string]bool)
	}
	keys := make(map[string]bool, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		keys[name] = true
	}
	v, _ := knownKeysCache.LoadOrStore(t, keys)
	return v.(map[string]bool)
}

// unmarshalLossless decodes data into known (a pointer to a struct without
// custom methods) and returns the members known does not declare.
func unmarshalLossless(data []byte, known any) (Unknown, error) {
	if err := json.Unmarshal(data, known); err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	keys := knownKeys(reflect.TypeOf(known).Elem())
	var extra Unknown
	for k, v := range all {
		if !keys[k] {
			if extra == nil {
				extra = make(Unknown)
			}
			extra[k] = v
		}
	}
	return extra, nil
}

// marshalLossless encodes known and appends the unknown members, in sorted
// order, that known does not declare.
func marshalLossless(known any, extra Unknown) ([]byte, error) {
	b, err := json.Marshal(known)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	keys := knownKeys(reflect.TypeOf(known))
	names := make([]string, 0, len(extra))
	for k := range extra {
		if !keys[k] {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	var buf bytes.Buffer
	buf.Grow(len(b) + 64*len(names))
	buf.Write(b[:len(b)-1])
	first := len(b) == 2 // "{}"
	for _, k := range names {
		if !first {
			buf.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		v := extra[k]
		if len(v) == 0 {
			v = json.RawMessage("null")
		}
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
