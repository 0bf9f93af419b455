package schemas

// The fast path.
//
// jsonschema/v6 allocates a validator frame for every (schema, value) pair it
// visits, and most of the values in a message are short strings and numbers
// checked by one or two keywords. Before the embedded schemas are compiled, the
// Validator rewrites two standard constructs into an equivalent private
// vocabulary (keywords "x-fast" and "x-dispatch") that does the same checks
// with fewer frames:
//
//   - Leaf fusion. A member of "properties" whose subschema uses only type,
//     const, enum, minLength, maxLength, pattern, minimum, maximum,
//     exclusiveMinimum and exclusiveMaximum (directly, or through a chain of
//     $ref to such a schema) is checked by one "x-fast" keyword of its parent
//     object, which also enforces "additionalProperties": false. It produces
//     the same jsonschema error kinds at the same instance locations.
//   - Dispatch. An "allOf" of entries {"if": {"properties": {k: {"const": v},
//     ...}, "required": [k, ...]}, "then": S} over the same members k with
//     distinct string values selects at most one S. "x-dispatch" looks S up in
//     a map instead of evaluating every "if".
//
// Only documents without unevaluatedProperties/unevaluatedItems are rewritten,
// so no annotation result can depend on the rewrite. The files served by FS are
// never changed, and any standard validator gives them the same meaning:
// TestFastPathEquivalence validates every fixture and every upstream sample
// with both the rewritten and the plain schemas and compares the violations.

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

const (
	kwFast     = "x-fast"
	kwDispatch = "x-dispatch"
	vocabURL   = "https://github.com/go-alexa/smarthome/schemas/vocab/fast"
)

// annotations are keywords that never affect validation.
var annotations = map[string]bool{
	"title": true, "description": true, "$comment": true, "examples": true, "default": true,
	"deprecated": true, "readOnly": true, "writeOnly": true,
}

// leafKeywords are the keywords a fused leaf may use, besides annotations.
var leafKeywords = map[string]bool{
	"type": true, "const": true, "enum": true, "minLength": true, "maxLength": true, "pattern": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true,
}

// rewriter rewrites decoded schema documents for the fast path. pristine
// resolves $ref targets: it returns the unmodified decoded document of an
// absolute URL (without fragment).
type rewriter struct {
	pristine func(docURL string) (any, error)
}

// rewrite rewrites doc, the decoded document at docURL, in place.
func (rw *rewriter) rewrite(docURL string, doc any) error {
	if usesUnevaluated(doc) {
		return nil
	}
	return rw.walk(docURL, doc)
}

func usesUnevaluated(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == "unevaluatedProperties" || k == "unevaluatedItems" || usesUnevaluated(x) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if usesUnevaluated(x) {
				return true
			}
		}
	}
	return false
}

// walk rewrites the schema s and all its subschemas.
func (rw *rewriter) walk(base string, s any) error {
	m, ok := s.(map[string]any)
	if !ok {
		return nil
	}
	if id, ok := m["$id"].(string); ok {
		u, err := resolveURL(base, id)
		if err != nil {
			return err
		}
		base = u
	}
	if err := rw.inlineRefs(base, m, 0); err != nil {
		return err
	}
	rewriteDispatch(m)
	// Subschemas first, so that fuseLeaves sees them in their final form.
	for k, v := range m {
		switch k {
		case "additionalProperties", "items", "contains", "propertyNames", "if", "then", "else", "not",
			"additionalItems", "contentSchema":
			if err := rw.walk(base, v); err != nil {
				return err
			}
		case "properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies":
			if mm, ok := v.(map[string]any); ok {
				for _, x := range mm {
					if err := rw.walk(base, x); err != nil {
						return err
					}
				}
			}
		case "allOf", "anyOf", "oneOf", "prefixItems":
			if a, ok := v.([]any); ok {
				for _, x := range a {
					if err := rw.walk(base, x); err != nil {
						return err
					}
				}
			}
		case kwDispatch:
			for _, x := range v.(map[string]any)["cases"].(map[string]any) {
				if err := rw.walk(base, x); err != nil {
					return err
				}
			}
		}
	}
	simplifyAllOf(m)
	return rw.fuseLeaves(base, m)
}

// interacting lists keywords whose meaning depends on each other within one
// schema object: they may only be merged from the same source.
var interacting = [][]string{
	{"properties", "patternProperties", "additionalProperties"},
	{"if", "then", "else"},
	{"prefixItems", "items", "additionalItems"},
	{"contains", "minContains", "maxContains"},
}

// simplifyAllOf merges the entries of m's allOf into m when no keyword occurs
// twice and no group of interacting keywords is split between entries: the
// merged schema then applies exactly the same checks.
func simplifyAllOf(m map[string]any) {
	all, ok := m["allOf"].([]any)
	if !ok || len(all) == 0 {
		return
	}
	sources := []map[string]any{m}
	for _, e := range all {
		em, ok := e.(map[string]any)
		if !ok {
			if e == true {
				continue
			}
			return
		}
		sources = append(sources, em)
	}
	owner := map[string]int{}
	for i, src := range sources {
		for k := range src {
			if annotations[k] || (i == 0 && k == "allOf") {
				continue
			}
			if k == "$ref" || resourceKeywords[k] {
				return
			}
			if _, dup := owner[k]; dup {
				return
			}
			owner[k] = i
		}
	}
	for _, group := range interacting {
		src := -1
		for _, k := range group {
			if i, ok := owner[k]; ok {
				if src >= 0 && src != i {
					return
				}
				src = i
			}
		}
	}
	delete(m, "allOf")
	for _, src := range sources[1:] {
		for k, v := range src {
			if !annotations[k] {
				m[k] = v
			}
		}
	}
}

// resourceKeywords change how references resolve; schemas that use them are
// never inlined.
var resourceKeywords = map[string]bool{
	"$id": true, "$anchor": true, "$dynamicAnchor": true, "$dynamicRef": true,
	"$recursiveRef": true, "$recursiveAnchor": true, "id": true,
}

// maxInline bounds how many $ref a single schema object absorbs, which also
// stops recursive references.
const maxInline = 16

// inlineRefs replaces the $ref of m by the keywords of its target, when that
// keeps the meaning: in draft 2020-12 a $ref applies its target to the same
// instance, like a member of allOf, so the target's keywords can join m's
// when they do not conflict. "required" lists join, and "properties" maps join
// member by member when "additionalProperties" cannot see the difference.
// Relative references inside the copied target are made absolute.
func (rw *rewriter) inlineRefs(base string, m map[string]any, n int) error {
	for ; n < maxInline; n++ {
		ref, ok := m["$ref"].(string)
		if !ok {
			return nil
		}
		for k := range m {
			if resourceKeywords[k] {
				return nil
			}
		}
		target, targetBase, err := rw.deref(base, ref)
		if err != nil || target == nil {
			return err
		}
		t, ok := copySchema(targetBase, target).(map[string]any)
		if !ok {
			return nil // a boolean target: leave it to jsonschema
		}
		merged, ok := mergeSchemas(m, t)
		if !ok {
			return nil
		}
		clear(m)
		maps.Copy(m, merged)
	}
	return nil
}

// copySchema deep-copies a schema, making its references absolute against
// base. It returns nil when the schema declares resources or anchors.
func copySchema(base string, v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if resourceKeywords[k] {
				return nil
			}
			if k == "$ref" {
				if r, ok := x.(string); ok {
					abs, err := resolveURL(base, r)
					if err != nil {
						return nil
					}
					out[k] = abs
					continue
				}
			}
			if k == "const" || k == "enum" || k == "examples" || k == "default" {
				out[k] = x // values, not schemas: shared, never modified
				continue
			}
			c := copySchema(base, x)
			if c == nil && x != nil {
				return nil
			}
			out[k] = c
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			c := copySchema(base, x)
			if c == nil && x != nil {
				return nil
			}
			out[i] = c
		}
		return out
	}
	return v
}

// mergeSchemas returns one schema equivalent to applying both s (without its
// $ref) and t, or false when it cannot tell.
func mergeSchemas(s, t map[string]any) (map[string]any, bool) {
	out := make(map[string]any, len(s)+len(t))
	for k, v := range s {
		if k != "$ref" {
			out[k] = v
		}
	}
	for k, tv := range t {
		sv, both := out[k]
		switch {
		case !both:
			out[k] = tv
		case annotations[k]:
			// keep s's annotation
		case k == "required":
			out[k] = unionStrings(sv, tv)
		case k == "allOf":
			sa, ok1 := sv.([]any)
			ta, ok2 := tv.([]any)
			if !ok1 || !ok2 {
				return nil, false
			}
			out[k] = append(slices.Clip(ta), sa...)
		case k == "type" || k == "additionalProperties":
			if !jsonEqual(sv, tv) {
				return nil, false
			}
		case k == "properties":
			sm, ok1 := sv.(map[string]any)
			tm, ok2 := tv.(map[string]any)
			if !ok1 || !ok2 {
				return nil, false
			}
			merged := make(map[string]any, len(sm)+len(tm))
			maps.Copy(merged, tm)
			for name, ss := range sm {
				if ts, ok := merged[name]; ok {
					merged[name] = combine(ss, ts)
				} else {
					merged[name] = ss
				}
			}
			out[k] = merged
		default:
			return nil, false
		}
	}
	// "additionalProperties" applies to the members that "properties" of its own
	// schema object does not name: joining the two "properties" must not change
	// which members those are.
	if s["patternProperties"] != nil || t["patternProperties"] != nil {
		return nil, false
	}
	sm, _ := s["properties"].(map[string]any)
	tm, _ := t["properties"].(map[string]any)
	if t["additionalProperties"] != nil && !keysWithin(sm, tm) {
		return nil, false
	}
	if s["additionalProperties"] != nil && !keysWithin(tm, sm) {
		return nil, false
	}
	return out, true
}

func keysWithin(a, b map[string]any) bool {
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}

func unionStrings(a, b any) any {
	aa, _ := a.([]any)
	ba, _ := b.([]any)
	out := slices.Clone(aa)
	for _, x := range ba {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// combine returns a schema equivalent to applying both a and b.
func combine(a, b any) any {
	if ab, ok := a.(bool); ok {
		if !ab {
			return false
		}
		return b
	}
	if bb, ok := b.(bool); ok {
		if !bb {
			return false
		}
		return a
	}
	am, _ := a.(map[string]any)
	bm, _ := b.(map[string]any)
	if am != nil && bm != nil {
		disjoint := true
		for k := range am {
			if _, ok := bm[k]; ok && !annotations[k] {
				disjoint = false
				break
			}
		}
		if disjoint && am["$ref"] == nil && bm["$ref"] == nil {
			out := make(map[string]any, len(am)+len(bm))
			maps.Copy(out, bm)
			maps.Copy(out, am)
			return out
		}
	}
	return map[string]any{"allOf": []any{a, b}}
}

func jsonEqual(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// dispatchKey encodes string values unambiguously (length-prefixed), in the
// order of the dispatch member names.
func dispatchKey(b []byte, vals []string) []byte {
	for _, v := range vals {
		b = strconv.AppendInt(b, int64(len(v)), 10)
		b = append(b, ':')
		b = append(b, v...)
	}
	return b
}

// canonicalCase reports whether entry is {"if": {"properties": {k: {"const":
// "v"}, ...}, "required": [k, ...]}, "then": S} and returns its sorted member
// names, their values and S.
func canonicalCase(entry any) (keys, vals []string, then any, ok bool) {
	e, _ := entry.(map[string]any)
	if e == nil || len(e) != 2 || e["then"] == nil {
		return nil, nil, nil, false
	}
	cond, _ := e["if"].(map[string]any)
	if cond == nil || len(cond) != 2 {
		return nil, nil, nil, false
	}
	props, _ := cond["properties"].(map[string]any)
	req, _ := cond["required"].([]any)
	if len(props) == 0 || len(req) != len(props) {
		return nil, nil, nil, false
	}
	for _, r := range req {
		if name, ok := r.(string); !ok || props[name] == nil {
			return nil, nil, nil, false
		}
	}
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c, _ := props[k].(map[string]any)
		s, isStr := c["const"].(string)
		if len(c) != 1 || !isStr {
			return nil, nil, nil, false
		}
		vals = append(vals, s)
	}
	return keys, vals, e["then"], true
}

// rewriteDispatch moves the canonical if/then entries of m's allOf into an
// "x-dispatch" keyword, when they all test the same members with distinct
// values.
func rewriteDispatch(m map[string]any) {
	all, _ := m["allOf"].([]any)
	var keys []string
	cases := map[string]any{}
	var rest []any
	for _, entry := range all {
		k, vals, then, ok := canonicalCase(entry)
		if ok && keys == nil {
			keys = k
		}
		if !ok || !slices.Equal(k, keys) {
			rest = append(rest, entry)
			continue
		}
		key := string(dispatchKey(nil, vals))
		if _, dup := cases[key]; dup {
			return // overlapping cases: both apply, keep the plain allOf
		}
		cases[key] = then
	}
	if len(cases) == 0 {
		return
	}
	ks := make([]any, len(keys))
	for i, k := range keys {
		ks[i] = k
	}
	m[kwDispatch] = map[string]any{"keys": ks, "cases": cases}
	if len(rest) == 0 {
		delete(m, "allOf")
	} else {
		m["allOf"] = rest
	}
}

// fuseLeaves moves the leaf members of m's "properties" into an "x-fast"
// keyword, which then also enforces "additionalProperties": false.
func (rw *rewriter) fuseLeaves(base string, m map[string]any) error {
	props, _ := m["properties"].(map[string]any)
	if m["patternProperties"] != nil {
		return nil
	}
	closed := false
	var additional any
	switch ap := m["additionalProperties"].(type) {
	case nil:
	case bool:
		closed = !ap
		if ap {
			return nil // other members are checked by true: leave it alone
		}
	default:
		// Other members are checked by a schema: fuse it too, or nothing.
		leaf, err := rw.resolveLeaf(base, ap, 0)
		if err != nil || leaf == nil {
			return err
		}
		additional = leaf
	}
	leaves := map[string]any{}
	for name, sub := range props {
		leaf, err := rw.resolveLeaf(base, sub, 0)
		if err != nil {
			return err
		}
		if leaf != nil {
			leaves[name] = leaf
		}
	}
	if len(leaves) == 0 && !closed && additional == nil {
		return nil
	}
	known := make([]any, 0, len(props))
	for name := range props {
		known = append(known, name)
	}
	for name := range leaves {
		delete(props, name)
	}
	if props != nil && len(props) == 0 {
		delete(m, "properties")
	}
	delete(m, "additionalProperties")
	f := map[string]any{"leaves": leaves, "known": known, "closed": closed}
	if additional != nil {
		f["additional"] = additional
	}
	m[kwFast] = f
	return nil
}

// resolveLeaf returns the leaf schema that s is, or is a $ref chain to, or nil
// when s is not a leaf. Leaves are true, false, flat objects (see isFlat), or
// objects using only leafKeywords with scalar const/enum values.
func (rw *rewriter) resolveLeaf(base string, s any, depth int) (any, error) {
	switch s := s.(type) {
	case bool:
		return s, nil
	case map[string]any:
		if isFlat(s) || isFlatArray(s) {
			return s, nil
		}
		if ref, ok := s["$ref"].(string); ok {
			for k := range s {
				if k != "$ref" && !annotations[k] {
					return nil, nil
				}
			}
			if depth > 8 {
				return nil, nil
			}
			target, targetBase, err := rw.deref(base, ref)
			if err != nil || target == nil {
				return nil, err
			}
			return rw.resolveLeaf(targetBase, target, depth+1)
		}
		if !isScalarLeaf(s) {
			return nil, nil
		}
		return s, nil
	}
	return nil, nil
}

// flatKeywords are the keywords of a flat object schema, besides annotations:
// one whose every check the fast path does itself, after the rewrite.
var flatKeywords = map[string]bool{
	"type": true, "required": true, "minProperties": true, "maxProperties": true, "dependentSchemas": true,
	kwFast: true, kwDispatch: true,
}

// isFlat reports whether s is a rewritten object schema that only checks the
// type, the number and presence of members, fused leaves and dispatch cases
// that are themselves flat. Such a schema is fused into its parent like a
// leaf, and such a dispatch case is applied without a jsonschema frame.
func isFlat(s map[string]any) bool {
	for k, v := range s {
		if annotations[k] {
			continue
		}
		if !flatKeywords[k] {
			return false
		}
		switch k {
		case "type":
			if v != "object" {
				return false
			}
		case "required":
			a, ok := v.([]any)
			if !ok {
				return false
			}
			for _, x := range a {
				if _, ok := x.(string); !ok {
					return false
				}
			}
		case kwDispatch:
			for _, c := range v.(map[string]any)["cases"].(map[string]any) {
				cm, ok := c.(map[string]any)
				if !ok || !isFlat(cm) {
					return false
				}
			}
		case "dependentSchemas":
			deps, ok := v.(map[string]any)
			if !ok {
				return false
			}
			for _, d := range deps {
				dm, ok := d.(map[string]any)
				if !ok || !isFlat(dm) {
					return false
				}
			}
		}
	}
	return true
}

// isFlatArray reports whether s is an array schema that only checks the type,
// the number of items and each item with a fused schema.
func isFlatArray(s map[string]any) bool {
	if s["type"] != "array" {
		return false
	}
	for k, v := range s {
		switch {
		case annotations[k], k == "type", k == "minItems", k == "maxItems":
		case k == "items":
			switch v := v.(type) {
			case bool:
			case map[string]any:
				if !isFlat(v) && !isFlatArray(v) && !isScalarLeaf(v) {
					return false
				}
			default:
				return false
			}
		default:
			return false
		}
	}
	return true
}

// isScalarLeaf reports whether s uses only leafKeywords (and annotations),
// with scalar const and enum values.
func isScalarLeaf(s map[string]any) bool {
	for k, v := range s {
		if annotations[k] {
			continue
		}
		if !leafKeywords[k] {
			return false
		}
		switch k {
		case "const":
			if !isScalar(v) {
				return false
			}
		case "enum":
			a, ok := v.([]any)
			if !ok {
				return false
			}
			for _, x := range a {
				if !isScalar(x) {
					return false
				}
			}
		}
	}
	return true
}

// isScalar reports whether v is a const/enum value a leaf compares itself:
// strings, booleans and null. Numbers are left to jsonschema.
func isScalar(v any) bool {
	switch v.(type) {
	case string, bool, nil:
		return true
	}
	return false
}

// deref resolves ref against base and returns the pristine target schema and
// its base URL, or nil when ref leaves the embedded documents or its fragment
// is not a plain JSON pointer.
func (rw *rewriter) deref(base, ref string) (any, string, error) {
	abs, err := resolveURL(base, ref)
	if err != nil {
		return nil, "", err
	}
	docURL, frag, _ := strings.Cut(abs, "#")
	doc, err := rw.pristine(docURL)
	if err != nil || doc == nil {
		return nil, "", err
	}
	if frag != "" && !strings.HasPrefix(frag, "/") {
		return nil, "", nil // an anchor
	}
	v := doc
	if frag != "" {
		for _, tok := range strings.Split(frag[1:], "/") {
			tok, err := url.PathUnescape(tok)
			if err != nil {
				return nil, "", nil
			}
			tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
			m, ok := v.(map[string]any)
			if !ok {
				return nil, "", nil
			}
			if v, ok = m[tok]; !ok {
				return nil, "", nil
			}
			if sub, ok := v.(map[string]any); ok {
				if _, hasID := sub["$id"]; hasID {
					return nil, "", nil // a nested resource: keep it simple
				}
			}
		}
	}
	return v, docURL, nil
}

func resolveURL(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	return b.ResolveReference(r).String(), nil
}

// --- the vocabulary

func fastVocabulary() *jsonschema.Vocabulary {
	return &jsonschema.Vocabulary{
		URL: vocabURL,
		Subschemas: []jsonschema.SchemaPath{
			{jsonschema.Prop(kwDispatch), jsonschema.Prop("cases"), jsonschema.AllProp{}},
		},
		Compile: compileFastKeywords,
	}
}

func compileFastKeywords(ctx *jsonschema.CompilerContext, obj map[string]any) (jsonschema.SchemaExt, error) {
	var exts multiExt
	if d, ok := obj[kwDispatch].(map[string]any); ok {
		ext := &dispatchExt{cases: map[string]*jsonschema.Schema{}, flat: map[string]*objLeaf{}}
		for _, k := range d["keys"].([]any) {
			ext.keys = append(ext.keys, k.(string))
		}
		for key, c := range d["cases"].(map[string]any) {
			if cm, ok := c.(map[string]any); ok && isFlat(cm) {
				lf, err := compileObjLeaf(cm)
				if err != nil {
					return nil, fmt.Errorf("%s: case %q: %w", kwDispatch, key, err)
				}
				ext.flat[key] = lf
				continue
			}
			ext.cases[key] = ctx.Enqueue([]string{kwDispatch, "cases", key})
		}
		exts = append(exts, ext)
	}
	if f, ok := obj[kwFast].(map[string]any); ok {
		fo, err := compileFast(f)
		if err != nil {
			return nil, err
		}
		exts = append(exts, &fastExt{fo})
	}
	switch len(exts) {
	case 0:
		return nil, nil
	case 1:
		return exts[0], nil
	}
	return exts, nil
}

type multiExt []jsonschema.SchemaExt

func (m multiExt) Validate(ctx *jsonschema.ValidatorContext, v any) {
	for _, e := range m {
		e.Validate(ctx, v)
	}
}

// reporter adds errors found by the fast path to a jsonschema validation.
type reporter struct{ ctx *jsonschema.ValidatorContext }

func (r reporter) add(loc []string, k jsonschema.ErrorKind) {
	r.ctx.AddErr(&jsonschema.ValidationError{InstanceLocation: slices.Clone(loc), ErrorKind: k})
}

// dispatchExt validates an object against the case selected by the string
// values of its key members, if any. Flat cases are checked directly.
type dispatchExt struct {
	keys  []string
	cases map[string]*jsonschema.Schema
	flat  map[string]*objLeaf
}

// caseKey returns the dispatch key of obj, or false when a key member is
// missing or not a string.
func caseKey(buf []byte, keys []string, obj map[string]any) ([]byte, bool) {
	for _, k := range keys {
		s, ok := obj[k].(string)
		if !ok {
			return nil, false
		}
		buf = strconv.AppendInt(buf, int64(len(s)), 10)
		buf = append(buf, ':')
		buf = append(buf, s...)
	}
	return buf, true
}

func (d *dispatchExt) Validate(ctx *jsonschema.ValidatorContext, v any) {
	obj, ok := v.(map[string]any)
	if !ok {
		return
	}
	var buf [128]byte
	key, ok := caseKey(buf[:0], d.keys, obj)
	if !ok {
		return
	}
	if lf := d.flat[string(key)]; lf != nil {
		lf.check(v, ctx.ValueLocation(), reporter{ctx}.add)
	} else if sch := d.cases[string(key)]; sch != nil {
		if err := ctx.Validate(sch, v, nil); err != nil {
			ctx.AddErr(err)
		}
	}
}

// fastExt applies the fused checks of an object schema.
type fastExt struct{ fo *fastObject }

func (f *fastExt) Validate(ctx *jsonschema.ValidatorContext, v any) {
	if obj, ok := v.(map[string]any); ok {
		f.fo.check(obj, ctx.ValueLocation(), reporter{ctx}.add)
	}
}

// fastObject checks the fused members of an object and, when closed, rejects
// members the object's "properties" did not name.
type fastObject struct {
	// fields lists the members named by "properties", sorted; check is nil
	// for those jsonschema checks itself.
	fields     []field
	closed     bool
	additional checker // checks members "properties" did not name, if not nil
}

type field struct {
	name  string
	check checker
}

func compileFast(f map[string]any) (*fastObject, error) {
	fo := &fastObject{closed: f["closed"].(bool)}
	leaves := f["leaves"].(map[string]any)
	for _, name := range f["known"].([]any) {
		fd := field{name: name.(string)}
		if s, ok := leaves[fd.name]; ok {
			c, err := compileChecker(s)
			if err != nil {
				return nil, fmt.Errorf("%s: member %q: %w", kwFast, fd.name, err)
			}
			fd.check = c
		}
		fo.fields = append(fo.fields, fd)
	}
	slices.SortFunc(fo.fields, func(a, b field) int { return strings.Compare(a.name, b.name) })
	if a, ok := f["additional"]; ok {
		c, err := compileChecker(a)
		if err != nil {
			return nil, fmt.Errorf("%s: additional members: %w", kwFast, err)
		}
		fo.additional = c
	}
	return fo, nil
}

// check looks the named members up rather than ranging over the object:
// lookups in a small map are cheaper than iteration, and most objects have
// only named members, which counting them proves.
func (f *fastObject) check(obj map[string]any, loc []string, add func([]string, jsonschema.ErrorKind)) {
	named := 0
	for _, fd := range f.fields {
		val, ok := obj[fd.name]
		if !ok {
			continue
		}
		named++
		if fd.check != nil {
			fd.check.check(val, append(loc, fd.name), add)
		}
	}
	if named == len(obj) || (!f.closed && f.additional == nil) {
		return
	}
	var extra []string
	for name, val := range obj {
		if _, ok := slices.BinarySearchFunc(f.fields, name, func(fd field, n string) int { return strings.Compare(fd.name, n) }); ok {
			continue
		}
		if f.closed {
			extra = append(extra, name)
		} else {
			f.additional.check(val, append(loc, name), add)
		}
	}
	if extra != nil {
		add(loc, &kind.AdditionalProperties{Properties: extra})
	}
}

// checker is a compiled fused schema. check reports the errors of v, located
// at loc, through add. loc may be appended to but not modified.
type checker interface {
	check(v any, loc []string, add func([]string, jsonschema.ErrorKind))
}

func compileChecker(s any) (checker, error) {
	if m, ok := s.(map[string]any); ok {
		if isFlat(m) {
			return compileObjLeaf(m)
		}
		if isFlatArray(m) {
			return compileArrLeaf(m)
		}
	}
	return compileLeaf(s)
}

// arrLeaf is a compiled flat array schema (see isFlatArray).
type arrLeaf struct {
	minItems, maxItems int
	items              checker
}

func compileArrLeaf(m map[string]any) (*arrLeaf, error) {
	lf := &arrLeaf{}
	var err error
	if lf.minItems, err = intKeyword(m, "minItems"); err != nil {
		return nil, err
	}
	if lf.maxItems, err = intKeyword(m, "maxItems"); err != nil {
		return nil, err
	}
	if it, ok := m["items"]; ok {
		if lf.items, err = compileChecker(it); err != nil {
			return nil, err
		}
	}
	return lf, nil
}

// itemTokens holds the location tokens of the first array indexes.
var itemTokens = func() [64]string {
	var t [64]string
	for i := range t {
		t[i] = strconv.Itoa(i)
	}
	return t
}()

func itemToken(i int) string {
	if i < len(itemTokens) {
		return itemTokens[i]
	}
	return strconv.Itoa(i)
}

func (lf *arrLeaf) check(v any, loc []string, add func([]string, jsonschema.ErrorKind)) {
	arr, ok := v.([]any)
	if !ok {
		if t := typeOf(v); t == 0 {
			add(loc, &kind.InvalidJsonValue{Value: v})
		} else {
			add(loc, &kind.Type{Got: t.String(), Want: []string{"array"}})
		}
		return
	}
	if lf.minItems >= 0 && len(arr) < lf.minItems {
		add(loc, &kind.MinItems{Got: len(arr), Want: lf.minItems})
	}
	if lf.maxItems >= 0 && len(arr) > lf.maxItems {
		add(loc, &kind.MaxItems{Got: len(arr), Want: lf.maxItems})
	}
	if lf.items != nil {
		for i, item := range arr {
			lf.items.check(item, append(loc, itemToken(i)), add)
		}
	}
}

// objLeaf is a compiled flat object schema (see isFlat).
type dependent struct {
	name   string
	schema *objLeaf
}

type objLeaf struct {
	typeObject         bool
	minProps, maxProps int
	required           []string
	dependents         []dependent
	fast               *fastObject
	dispatchKeys       []string
	cases              map[string]*objLeaf
}

func compileObjLeaf(m map[string]any) (*objLeaf, error) {
	lf := &objLeaf{typeObject: m["type"] == "object", minProps: -1, maxProps: -1}
	var err error
	if lf.minProps, err = intKeyword(m, "minProperties"); err != nil {
		return nil, err
	}
	if lf.maxProps, err = intKeyword(m, "maxProperties"); err != nil {
		return nil, err
	}
	for _, r := range asSlice(m["required"]) {
		lf.required = append(lf.required, r.(string))
	}
	if deps, ok := m["dependentSchemas"].(map[string]any); ok {
		for name, d := range deps {
			dl, err := compileObjLeaf(d.(map[string]any))
			if err != nil {
				return nil, err
			}
			lf.dependents = append(lf.dependents, dependent{name, dl})
		}
	}
	if f, ok := m[kwFast].(map[string]any); ok {
		if lf.fast, err = compileFast(f); err != nil {
			return nil, err
		}
	}
	if d, ok := m[kwDispatch].(map[string]any); ok {
		for _, k := range d["keys"].([]any) {
			lf.dispatchKeys = append(lf.dispatchKeys, k.(string))
		}
		lf.cases = map[string]*objLeaf{}
		for key, c := range d["cases"].(map[string]any) {
			if lf.cases[key], err = compileObjLeaf(c.(map[string]any)); err != nil {
				return nil, err
			}
		}
	}
	return lf, nil
}

func asSlice(v any) []any {
	a, _ := v.([]any)
	return a
}

// check mirrors jsonschema: a wrong type ends the checks; then the number of
// members, required members, fused members and the dispatch case.
func (lf *objLeaf) check(v any, loc []string, add func([]string, jsonschema.ErrorKind)) {
	obj, ok := v.(map[string]any)
	if !ok {
		if lf.typeObject {
			if t := typeOf(v); t == 0 {
				add(loc, &kind.InvalidJsonValue{Value: v})
			} else {
				add(loc, &kind.Type{Got: t.String(), Want: []string{"object"}})
			}
		}
		return
	}
	if lf.minProps >= 0 && len(obj) < lf.minProps {
		add(loc, &kind.MinProperties{Got: len(obj), Want: lf.minProps})
	}
	if lf.maxProps >= 0 && len(obj) > lf.maxProps {
		add(loc, &kind.MaxProperties{Got: len(obj), Want: lf.maxProps})
	}
	var missing []string
	for _, r := range lf.required {
		if _, ok := obj[r]; !ok {
			missing = append(missing, r)
		}
	}
	if missing != nil {
		add(loc, &kind.Required{Missing: missing})
	}
	for _, d := range lf.dependents {
		if _, ok := obj[d.name]; ok {
			d.schema.check(v, loc, add)
		}
	}
	if lf.fast != nil {
		lf.fast.check(obj, loc, add)
	}
	if lf.cases != nil {
		var buf [128]byte
		if key, ok := caseKey(buf[:0], lf.dispatchKeys, obj); ok {
			if c := lf.cases[string(key)]; c != nil {
				c.check(v, loc, add)
			}
		}
	}
}

func intKeyword(m map[string]any, k string) (int, error) {
	v, ok := m[k]
	if !ok {
		return -1, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("%s must be a number", k)
	}
	i, err := strconv.Atoi(string(n))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", k, err)
	}
	return i, nil
}

// --- leaves

type jsonType uint8

const (
	typeNull jsonType = 1 << iota
	typeBoolean
	typeNumber
	typeInteger
	typeString
	typeArray
	typeObject
)

// typeNames lists the types in the order jsonschema reports them.
var typeNames = []struct {
	t    jsonType
	name string
}{
	{typeNull, "null"}, {typeBoolean, "boolean"}, {typeNumber, "number"}, {typeInteger, "integer"},
	{typeString, "string"}, {typeArray, "array"}, {typeObject, "object"},
}

// bound is a numeric limit, kept as a float64 too when that is exact.
type bound struct {
	rat   *big.Rat
	f     float64
	exact bool
}

// leaf is a compiled leaf schema. Its check mirrors the order and the error
// kinds of jsonschema's own validation of the same keywords.
type leaf struct {
	always, never bool
	types         jsonType
	want          []string
	hasConst      bool
	constVal      any
	enum          []any
	minLen        int
	maxLen        int
	pattern       jsonschema.Regexp
	min, max      *bound
	exMin, exMax  *bound
}

func compileLeaf(s any) (*leaf, error) {
	if b, ok := s.(bool); ok {
		return &leaf{always: b, never: !b}, nil
	}
	m := s.(map[string]any)
	lf := &leaf{minLen: -1, maxLen: -1}
	if t, ok := m["type"]; ok {
		var names []string
		switch t := t.(type) {
		case string:
			names = []string{t}
		case []any:
			for _, x := range t {
				n, ok := x.(string)
				if !ok {
					return nil, errors.New("type must be a string or an array of strings")
				}
				names = append(names, n)
			}
		default:
			return nil, errors.New("type must be a string or an array of strings")
		}
		for _, n := range names {
			found := false
			for _, tn := range typeNames {
				if tn.name == n {
					lf.types |= tn.t
					found = true
				}
			}
			if !found {
				return nil, fmt.Errorf("unknown type %q", n)
			}
		}
		for _, tn := range typeNames {
			if lf.types&tn.t != 0 {
				lf.want = append(lf.want, tn.name)
			}
		}
	}
	if c, ok := m["const"]; ok {
		lf.hasConst, lf.constVal = true, c
	}
	if e, ok := m["enum"]; ok {
		lf.enum = e.([]any)
		if lf.enum == nil {
			lf.enum = []any{}
		}
	}
	var err error
	if lf.minLen, err = intKeyword(m, "minLength"); err != nil {
		return nil, err
	}
	if lf.maxLen, err = intKeyword(m, "maxLength"); err != nil {
		return nil, err
	}
	if p, ok := m["pattern"].(string); ok {
		if lf.pattern, err = compileRegexp(p); err != nil {
			return nil, err
		}
	}
	boundKw := func(k string) (*bound, error) {
		v, ok := m[k]
		if !ok {
			return nil, nil
		}
		n, ok := v.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%s must be a number", k)
		}
		r, ok := new(big.Rat).SetString(string(n))
		if !ok {
			return nil, fmt.Errorf("%s: invalid number %s", k, n)
		}
		f, exact := r.Float64()
		return &bound{rat: r, f: f, exact: exact}, nil
	}
	if lf.min, err = boundKw("minimum"); err != nil {
		return nil, err
	}
	if lf.max, err = boundKw("maximum"); err != nil {
		return nil, err
	}
	if lf.exMin, err = boundKw("exclusiveMinimum"); err != nil {
		return nil, err
	}
	if lf.exMax, err = boundKw("exclusiveMaximum"); err != nil {
		return nil, err
	}
	return lf, nil
}

func typeOf(v any) jsonType {
	switch v.(type) {
	case nil:
		return typeNull
	case bool:
		return typeBoolean
	case json.Number:
		return typeNumber
	case string:
		return typeString
	case []any:
		return typeArray
	case map[string]any:
		return typeObject
	}
	return 0
}

func (t jsonType) String() string {
	for _, tn := range typeNames {
		if tn.t == t {
			return tn.name
		}
	}
	return "invalid"
}

// isInteger reports whether the number n has an integral value (1, 1.0, 1e2).
func isInteger(n json.Number) bool {
	s := string(n)
	if strings.HasPrefix(s, "-") {
		s = s[1:]
	}
	if s != "" && strings.Trim(s, "0123456789") == "" {
		return true
	}
	r, ok := new(big.Rat).SetString(string(n))
	return ok && r.IsInt()
}

func ratOf(n json.Number) *big.Rat {
	r, _ := new(big.Rat).SetString(string(n))
	return r
}

// cmpBound compares n with b exactly: it compares float64 values when that
// decides, and rationals otherwise. Rounding to float64 is monotonic, so when
// b is exactly representable, f(n) < b implies n < b and f(n) > b implies n > b.
func cmpBound(n json.Number, b *bound) int {
	if b.exact {
		if f, err := strconv.ParseFloat(string(n), 64); err == nil {
			switch {
			case f < b.f:
				return -1
			case f > b.f:
				return 1
			}
		}
	}
	return ratOf(n).Cmp(b.rat)
}

func (lf *leaf) check(v any, loc []string, add func([]string, jsonschema.ErrorKind)) {
	for _, k := range lf.errors(v) {
		add(loc, k)
	}
}

func (lf *leaf) errors(v any) []jsonschema.ErrorKind {
	if lf.always {
		return nil
	}
	if lf.never {
		return []jsonschema.ErrorKind{&kind.FalseSchema{}}
	}
	t := typeOf(v)
	if t == 0 {
		return []jsonschema.ErrorKind{&kind.InvalidJsonValue{Value: v}}
	}
	if lf.types != 0 && lf.types&t == 0 {
		if !(lf.types&typeInteger != 0 && t == typeNumber && isInteger(v.(json.Number))) {
			return []jsonschema.ErrorKind{&kind.Type{Got: t.String(), Want: lf.want}}
		}
	}
	if lf.hasConst && !scalarEqual(v, lf.constVal) {
		return []jsonschema.ErrorKind{&kind.Const{Got: v, Want: lf.constVal}}
	}
	if lf.enum != nil {
		found := false
		for _, e := range lf.enum {
			if scalarEqual(v, e) {
				found = true
				break
			}
		}
		if !found {
			return []jsonschema.ErrorKind{&kind.Enum{Got: v, Want: lf.enum}}
		}
	}
	var errs []jsonschema.ErrorKind
	switch v := v.(type) {
	case string:
		if lf.minLen >= 0 || lf.maxLen >= 0 {
			n := utf8.RuneCountInString(v)
			if lf.minLen >= 0 && n < lf.minLen {
				errs = append(errs, &kind.MinLength{Got: n, Want: lf.minLen})
			}
			if lf.maxLen >= 0 && n > lf.maxLen {
				errs = append(errs, &kind.MaxLength{Got: n, Want: lf.maxLen})
			}
		}
		if lf.pattern != nil && !lf.pattern.MatchString(v) {
			errs = append(errs, &kind.Pattern{Got: v, Want: lf.pattern.String()})
		}
	case json.Number:
		if lf.min != nil && cmpBound(v, lf.min) < 0 {
			errs = append(errs, &kind.Minimum{Got: ratOf(v), Want: lf.min.rat})
		}
		if lf.max != nil && cmpBound(v, lf.max) > 0 {
			errs = append(errs, &kind.Maximum{Got: ratOf(v), Want: lf.max.rat})
		}
		if lf.exMin != nil && cmpBound(v, lf.exMin) <= 0 {
			errs = append(errs, &kind.ExclusiveMinimum{Got: ratOf(v), Want: lf.exMin.rat})
		}
		if lf.exMax != nil && cmpBound(v, lf.exMax) >= 0 {
			errs = append(errs, &kind.ExclusiveMaximum{Got: ratOf(v), Want: lf.exMax.rat})
		}
	}
	return errs
}

// scalarEqual compares an instance value with a string, boolean or null const
// or enum value, as JSON equality does.
func scalarEqual(v, want any) bool {
	switch want := want.(type) {
	case string:
		s, ok := v.(string)
		return ok && s == want
	case bool:
		b, ok := v.(bool)
		return ok && b == want
	case nil:
		return v == nil
	}
	return false
}
