package schemas

import "slices"

// index.json dispatches a reported property to the rules of its namespace
// and name, and a discovery capability to those of its interface, with an
// allOf of if/then pairs, one per known property or interface: the plain
// JSON Schema way, which any validator reads. But a validator tries every
// if in turn, and each that fails costs allocations: a ChangeReport's few
// properties met some 80 failing ifs, and a 300-endpoint discovery some
// 30,000, most of the time spent validating them.
//
// dispatchTree rewrites such an allOf, in the document the compiler is
// given (never in the published file), into an equivalent decision tree:
// each level asks whether the dispatch member (namespace, or interface)
// is one of half of the remaining values (an enum), then descends into
// that half, so a value meets about log2(n) routing ifs and then only the
// original if/then pairs of its own namespace. The original pairs are kept
// whole at the leaves, so the rules applied to any instance, valid or not,
// are the same: routing only decides which pairs are worth trying, and a
// pair whose namespace is not on the path could never have matched.

// dispatchDefs are the $defs of index.json that dispatch, with the member
// each dispatches on first.
var dispatchDefs = [...]struct{ def, member string }{
	{"property", "namespace"},
	{"capability", "interface"},
}

// dispatchTree rewrites, in place, the dispatching $defs of the decoded
// index.json doc, and reports how many it rewrote. It leaves a $def as it
// is when an allOf entry is not of the expected shape (an if that requires
// member with a string const, and a then), and the whole document when it
// uses unevaluatedProperties or unevaluatedItems anywhere: a routing if
// that holds marks member as evaluated, which the flat form does not when
// no entry matches, so the two could differ there.
//
// An instance that is not an object passes every if (properties and
// required only constrain objects), so the flat form applies every then
// to it: the rewritten $def does the same, and routes objects only.
func dispatchTree(doc any) int {
	if usesUnevaluated(doc) {
		return 0
	}
	root, _ := doc.(map[string]any)
	defs, _ := root["$defs"].(map[string]any)
	n := 0
	for _, d := range dispatchDefs {
		def, _ := defs[d.def].(map[string]any)
		entries, _ := def["allOf"].([]any)
		if len(entries) < 4 {
			continue
		}
		groups, ok := groupByConst(entries, d.member)
		if !ok {
			continue
		}
		def["allOf"] = []any{map[string]any{
			"if":   map[string]any{"type": "object"},
			"then": routeNode(d.member, groups),
			"else": map[string]any{"allOf": entries},
		}}
		n++
	}
	return n
}

// usesUnevaluated reports whether the schema document v has an
// unevaluatedProperties or unevaluatedItems keyword.
func usesUnevaluated(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == "unevaluatedProperties" || k == "unevaluatedItems" || usesUnevaluated(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if usesUnevaluated(e) {
				return true
			}
		}
	}
	return false
}

// dispatchGroup is the if/then entries of one value of the dispatch
// member, in their original order.
type dispatchGroup struct {
	value   string
	entries []any
}

// groupByConst groups entries by the string const their if gives member,
// in order of first appearance, or reports false if an entry is not an
// {"if", "then"} pair whose if requires member and gives it a string
// const.
func groupByConst(entries []any, member string) ([]dispatchGroup, bool) {
	var groups []dispatchGroup
	at := map[string]int{}
	for _, e := range entries {
		m, _ := e.(map[string]any)
		if len(m) != 2 || m["then"] == nil {
			return nil, false
		}
		cond, _ := m["if"].(map[string]any)
		props, _ := cond["properties"].(map[string]any)
		prop, _ := props[member].(map[string]any)
		value, ok := prop["const"].(string)
		req, _ := cond["required"].([]any)
		if !ok || len(prop) != 1 || !slices.Contains(req, any(member)) {
			return nil, false
		}
		i, seen := at[value]
		if !seen {
			i = len(groups)
			at[value] = i
			groups = append(groups, dispatchGroup{value: value})
		}
		groups[i].entries = append(groups[i].entries, e)
	}
	return groups, true
}

// routeNode returns the schema that applies groups' entries to an
// instance: a group's own entries at a leaf, otherwise an if on whether
// member is one of the first half's values, then the first half, else the
// second.
func routeNode(member string, groups []dispatchGroup) map[string]any {
	if len(groups) == 1 {
		return map[string]any{"allOf": groups[0].entries}
	}
	half := len(groups) / 2
	values := make([]any, half)
	for i, g := range groups[:half] {
		values[i] = g.value
	}
	return map[string]any{
		"if": map[string]any{
			"properties": map[string]any{member: map[string]any{"enum": values}},
			"required":   []any{member},
		},
		"then": routeNode(member, groups[:half]),
		"else": routeNode(member, groups[half:]),
	}
}
