package schemas

// The fast path, part 1: rewriting the schemas.
//
// jsonschema/v6 allocates a validator frame for every (schema, value) pair it
// visits, and most values in a message are short strings and numbers checked
// by one or two keywords. Before the embedded schemas are compiled, the
// Validator rewrites them into an equivalent form that does the same checks
// with far fewer frames, using a private vocabulary (keywords "x-fast" and
// "x-dispatch", see fused.go):
//
//   - $ref inlining. A $ref whose target's keywords do not conflict with its
//     siblings is replaced by them (in draft 2020-12 a $ref applies its target
//     to the same instance, like allOf); "required" lists are joined, and
//     "properties" maps are joined member by member when
//     "additionalProperties" cannot see the difference. allOf entries with
//     disjoint keywords are merged the same way.
//   - Dispatch. An "allOf" of entries {"if": {"properties": {k: {"const": v},
//     ...}, "required": [k, ...]}, "then": S} over the same members k with
//     distinct string values applies at most one S. "x-dispatch" looks S up
//     in a map instead of evaluating every "if".
//   - Fusion. A member of "properties" whose subschema is a leaf (type, const,
//     enum, minLength, maxLength, pattern, minimum, maximum,
//     exclusiveMinimum, exclusiveMaximum), a flat object (type, required,
//     min/maxProperties, dependentSchemas, fused members, dispatch to flat
//     cases) or a flat array (type, min/maxItems, fused items) is checked by
//     Go code in the "x-fast" keyword of its parent, which also enforces
//     "additionalProperties". The checks report the same jsonschema error
//     kinds at the same instance locations as jsonschema would.
//
// Everything else (anyOf, uniqueItems, non-canonical if/then/else, ...) stays
// with jsonschema. Only documents without unevaluatedProperties or
// unevaluatedItems are rewritten, so no annotation result can depend on the
// rewrite. The files served by FS are never changed, and any standard
// validator gives them the same meaning: the tests (TestInvalidFixtures,
// TestViolations, TestUpstreamSamplesFastPath) and FuzzValidate validate with
// both the rewritten and the plain schemas and compare the violations.

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
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
