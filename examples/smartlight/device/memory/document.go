package memory

// The shadow document logic: functions over decoded JSON state (merge with
// metadata stamps, delta, deep copies and comparison), with no locking, no
// I/O and no clock of their own; the IoT calls them under its lock.

import (
	"encoding/json"
	"fmt"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

func (s *shadow) clone() *shadow {
	return &shadow{
		desired: deepCopy(s.desired), reported: deepCopy(s.reported),
		metaDesired: deepCopy(s.metaDesired), metaReported: deepCopy(s.metaReported),
		version: s.version, timestamp: s.timestamp,
	}
}

// document returns the full document, with the delta.
func (s *shadow) document() *device.Document {
	d := &device.Document{Version: s.version, Timestamp: s.timestamp}
	d.State.Desired = toState(s.desired)
	d.State.Reported = toState(s.reported)
	d.Metadata.Desired = toState(s.metaDesired)
	d.Metadata.Reported = toState(s.metaReported)
	if dl := delta(s.desired, s.reported); len(dl) > 0 {
		d.State.Delta = toState(dl)
	}
	return d
}

// merge merges src into dst, stamping meta with ts; nil values delete.
func merge(dst, meta, src map[string]any, ts int64) {
	for k, v := range src {
		if v == nil {
			delete(dst, k)
			delete(meta, k)
			continue
		}
		if sm, ok := v.(map[string]any); ok {
			dm, ok := dst[k].(map[string]any)
			if !ok {
				dm = map[string]any{}
			}
			mm, ok := meta[k].(map[string]any)
			if !ok || isStamp(mm) {
				mm = map[string]any{}
			}
			merge(dm, mm, sm, ts)
			if len(dm) == 0 {
				delete(dst, k)
				delete(meta, k)
				continue
			}
			dst[k], meta[k] = dm, mm
			continue
		}
		dst[k] = v
		meta[k] = map[string]any{"timestamp": json.Number(fmt.Sprint(ts))}
	}
}

// isStamp reports whether a metadata value is a leaf {"timestamp": n}.
func isStamp(m map[string]any) bool {
	if len(m) != 1 {
		return false
	}
	_, ok := m["timestamp"].(json.Number)
	return ok
}

// stampTree returns the metadata of an update: its structure with every
// leaf (nulls included) replaced by {"timestamp": ts}.
func stampTree(m map[string]any, ts int64) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sm, ok := v.(map[string]any); ok {
			out[k] = stampTree(sm, ts)
			continue
		}
		out[k] = map[string]any{"timestamp": json.Number(fmt.Sprint(ts))}
	}
	return out
}

// delta returns the desired keys whose value differs from the reported one.
func delta(desired, reported map[string]any) map[string]any {
	out := map[string]any{}
	for k, dv := range desired {
		rv, ok := reported[k]
		if dm, isMap := dv.(map[string]any); isMap {
			if rm, ok := rv.(map[string]any); ok {
				if d := delta(dm, rm); len(d) > 0 {
					out[k] = d
				}
				continue
			}
		}
		if !ok || !equal(dv, rv) {
			out[k] = deepCopyValue(dv)
		}
	}
	return out
}

// restrict returns the part of meta whose keys are in shape.
func restrict(meta, shape map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range shape {
		mv, ok := meta[k]
		if !ok {
			continue
		}
		if sm, ok := v.(map[string]any); ok {
			if mm, ok := mv.(map[string]any); ok && !isStamp(mm) {
				out[k] = restrict(mm, sm)
				continue
			}
		}
		out[k] = deepCopyValue(mv)
	}
	return out
}

// equal compares decoded JSON values; numbers by value.
func equal(a, b any) bool {
	switch av := a.(type) {
	case json.Number:
		bv, ok := b.(json.Number)
		if !ok {
			return false
		}
		if av == bv {
			return true
		}
		af, err1 := av.Float64()
		bf, err2 := bv.Float64()
		return err1 == nil && err2 == nil && af == bf
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, v := range av {
			w, ok := bv[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !equal(av[i], bv[i]) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}

func deepCopy(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopyValue(v)
	}
	return out
}

func deepCopyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return deepCopy(x)
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = deepCopyValue(x[i])
		}
		return out
	default:
		return v
	}
}

// toState encodes each top-level value of m.
func toState(m map[string]any) device.State {
	if m == nil {
		return nil
	}
	s := make(device.State, len(m))
	for k, v := range m {
		s[k] = mustJSON(v)
	}
	return s
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil { // unreachable: values decoded from JSON re-encode
		panic("memory: encoding: " + err.Error())
	}
	return b
}
