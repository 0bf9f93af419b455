package alexa

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// encoding/json matches object members to struct fields without regard to
// case, so {"Value": 1} decodes like {"value": 1}. Alexa does not: its
// schema names every member exactly. The checks of replies therefore
// decode with decodeExact, which also refuses a member whose name differs
// from its field's only in case.

// decodeExact decodes the JSON value v into p, a pointer, and reports
// whether it is well formed for p: one value with nothing after it, every
// member that encoding/json matches to a field of p's type (at any depth)
// named exactly as that field, and, if strict, no member that matches no
// field.
func decodeExact(v json.RawMessage, p any, strict bool) bool {
	_, ok := decodeExactValue(v, p, strict)
	return ok
}

// decodeExactValue is decodeExact that also returns v decoded as a plain
// value (maps, slices, strings...), for further checks of its shape.
func decodeExactValue(v json.RawMessage, p any, strict bool) (any, bool) {
	if !json.Valid(v) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(v))
	if strict {
		dec.DisallowUnknownFields()
	}
	if dec.Decode(p) != nil {
		return nil, false
	}
	var x any
	if json.Unmarshal(v, &x) != nil {
		return nil, false
	}
	return x, exactNames(x, reflect.TypeOf(p).Elem())
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// exactNames reports whether the members of the decoded JSON value x that
// match fields of t, at any depth, are named exactly as the fields.
func exactNames(x any, t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessageType {
		return true
	}
	switch t.Kind() {
	case reflect.Struct:
		o, ok := x.(map[string]any)
		if !ok {
			return true
		}
		fields := jsonFields(t)
		for k, val := range o {
			ft, exact := fields[k]
			if exact {
				if !exactNames(val, ft) {
					return false
				}
				continue
			}
			for name := range fields {
				if strings.EqualFold(name, k) {
					return false
				}
			}
		}
	case reflect.Slice, reflect.Array:
		a, ok := x.([]any)
		if !ok {
			return true
		}
		for _, e := range a {
			if !exactNames(e, t.Elem()) {
				return false
			}
		}
	case reflect.Map:
		o, ok := x.(map[string]any)
		if !ok {
			return true
		}
		for _, e := range o {
			if !exactNames(e, t.Elem()) {
				return false
			}
		}
	}
	return true
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// jsonFields returns the JSON member names of struct type t's fields (as
// encoding/json names them, embedded structs' fields included) with their
// types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for n, typ := range jsonFields(ft) {
					if _, dup := fields[n]; !dup {
						fields[n] = typ
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
	}
	fieldCache.Store(t, fields)
	return fields
}
