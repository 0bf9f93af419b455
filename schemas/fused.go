package schemas

// The fast path, part 2: the private vocabulary the rewritten schemas use
// (see rewrite.go), and the fused checks behind it.

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

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
