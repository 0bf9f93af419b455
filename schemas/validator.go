package schemas

import (
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/go-alexa/smarthome/internal/errfmt"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed json/*.json
var embedded embed.FS

// BaseURL is the base of the $id of every embedded schema: the schema in file
// common.json has the $id BaseURL + "common.json".
const BaseURL = "https://github.com/go-alexa/smarthome/schemas/json/"

// IndexURL is the $id of the entry schema, which accepts any message and
// applies the schema of its kind.
const IndexURL = BaseURL + "index.json"

// FS returns the embedded schema files (common.json, index.json, one file per
// interface, ...), in the root of the returned file system.
func FS() fs.FS {
	sub, err := fs.Sub(embedded, "json")
	if err != nil {
		panic(err) // unreachable: "json" is a valid path
	}
	return sub
}

// Kind identifies a message kind: the direction (directive from Alexa to the
// skill, or event from the skill to Alexa) and the header namespace and name.
type Kind struct {
	Directive       bool
	Namespace, Name string
}

// String returns for example "event Alexa/ChangeReport" or
// "directive Alexa.PowerController/TurnOn".
func (k Kind) String() string {
	d := "event"
	if k.Directive {
		d = "directive"
	}
	return d + " " + k.Namespace + "/" + k.Name
}

// KindOf returns the kind of the message in data. It returns an error wrapping
// ErrNotJSON when data is not JSON, and ErrNotMessage when it has no
// "directive" or "event" object. A message with both is a directive. Namespace
// and Name are empty when the header lacks them or they are not strings.
func KindOf(data []byte) (Kind, error) {
	v, err := decodeJSON(data)
	if err != nil {
		return Kind{}, fmt.Errorf("%w: %w", ErrNotJSON, err)
	}
	return kindOfValue(v)
}

func kindOfValue(v any) (Kind, error) {
	m, _ := v.(map[string]any)
	var k Kind
	msg, ok := m["directive"].(map[string]any)
	if ok {
		k.Directive = true
	} else if msg, ok = m["event"].(map[string]any); !ok {
		return Kind{}, ErrNotMessage
	}
	h, _ := msg["header"].(map[string]any)
	k.Namespace, _ = h["namespace"].(string)
	k.Name, _ = h["name"].(string)
	return k, nil
}

// Validate validates one message with the default Validator; see
// Validator.Validate.
func Validate(data []byte) error {
	return defaultValidator().Validate(data)
}

var defaultValidator = sync.OnceValue(New)

// Validator validates Alexa Smart Home messages against the embedded schemas.
// It compiles the schema of a message kind the first time it sees that kind.
// A Validator is safe for concurrent use.
type Validator struct {
	index   *kindIndex
	entries map[Kind]*entry
	generic [2]*entry // [0] events, [1] directives

	mu sync.Mutex // guards compiler
	c  *jsonschema.Compiler

	strict  bool              // refuse unknown members (false for the lenient twin)
	lenient func() *Validator // the twin that allows unknown members, made once
	flat    bool              // compile index.json's dispatch as published (tests)
}

// entry is the lazily compiled schema of one message kind.
type entry struct {
	url  string
	once sync.Once
	sch  *jsonschema.Schema
	err  error
}

// New returns a Validator. It compiles nothing until a message needs it.
func New() *Validator {
	v := newValidatorOf(true)
	v.lenient = sync.OnceValue(func() *Validator { return newValidatorOf(false) })
	return v
}

func newValidatorOf(strict bool) *Validator {
	idx := loadIndex()
	v := &Validator{index: idx, entries: make(map[Kind]*entry, len(idx.kinds)), strict: strict}
	for k, u := range idx.kinds {
		v.entries[k] = &entry{url: u}
	}
	v.generic[0] = &entry{url: BaseURL + "common.json#/$defs/eventMessage"}
	v.generic[1] = &entry{url: BaseURL + "common.json#/$defs/directiveMessage"}
	return v
}

// Known reports whether the Validator has a schema for kind k itself. Messages
// of other kinds are still validated, against the generic envelope.
func (v *Validator) Known(k Kind) bool {
	_, ok := v.entries[k]
	return ok
}

// Kinds returns every kind the Validator knows, sorted by String.
func (v *Validator) Kinds() []Kind {
	return slices.Clone(v.index.sorted)
}

// Validate validates one message, a directive or an event, with the schema of
// the kind its header names: a known kind's own schema, or for other kinds the
// generic envelope of a directive or an event (header, endpoint, payload object
// and, for events, context with each known property checked by its own
// rules). Validate returns nil for a valid message, an *Error listing the
// violations for an invalid one, or an error wrapping ErrNotJSON or
// ErrNotMessage.
func (v *Validator) Validate(data []byte) error {
	inst, err := decodeJSON(data)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotJSON, err)
	}
	return v.validateValue(inst)
}

// ValidateDirective validates a directive as a skill receives it:
// leniently, as Alexa adds members over time. It is Validate with every
// "no other members" rule lifted (unknown members of the message, the
// header, the endpoint or the payload pass), so the directives the alexa
// package decodes pass; known members are checked as strictly as by
// Validate. An event is refused with an error wrapping ErrNotMessage. The
// alexa Router uses it for the directives it receives when its validator
// has it, and Validate for its replies.
func (v *Validator) ValidateDirective(data []byte) error {
	inst, err := decodeJSON(data)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotJSON, err)
	}
	k, err := kindOfValue(inst)
	if err != nil {
		return err
	}
	if !k.Directive {
		return fmt.Errorf("%w: %s is not a directive", ErrNotMessage, k)
	}
	lv := v
	if v.lenient != nil {
		lv = v.lenient()
	}
	return lv.validateValue(inst)
}

func (v *Validator) validateValue(inst any) error {
	k, err := kindOfValue(inst)
	if err != nil {
		return err
	}
	e := v.entries[k]
	if e == nil {
		e = v.generic[boolIndex(k.Directive)]
	}
	sch, err := v.schema(e)
	if err != nil {
		return err
	}
	if err := sch.Validate(inst); err != nil {
		return &Error{Kind: k, Violations: summarize(err, nil)}
	}
	return nil
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (v *Validator) schema(e *entry) (*jsonschema.Schema, error) {
	e.once.Do(func() {
		v.mu.Lock()
		defer v.mu.Unlock()
		if v.c == nil {
			v.c = v.newCompiler()
		}
		e.sch, e.err = v.c.Compile(e.url)
		if e.err != nil {
			e.err = errfmt.Errorf("schemas: compiling %s: %w", e.url, e.err)
		}
	})
	return e.sch, e.err
}

func (v *Validator) newCompiler() *jsonschema.Compiler {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(&embedLoader{lenient: !v.strict, flat: v.flat})
	return c
}

// embedLoader serves the embedded schema files to the compiler. It is used
// under Validator.mu only.
type embedLoader struct {
	lenient bool // lift "additionalProperties": false and "unevaluatedProperties": false
	flat    bool // keep index.json's dispatch as published (no dispatchTree)
}

// Load implements jsonschema.URLLoader.
func (l *embedLoader) Load(u string) (any, error) {
	name, ok := strings.CutPrefix(u, BaseURL)
	if !ok || strings.Contains(name, "/") {
		return nil, fmt.Errorf("schemas: no embedded schema %s", u)
	}
	data, err := embedded.ReadFile("json/" + name)
	if err != nil {
		return nil, fmt.Errorf("schemas: no embedded schema %s", u)
	}
	doc, err := decodeJSON(data)
	if err != nil {
		return nil, errfmt.Errorf("schemas: %s: %w", name, err)
	}
	if l.lenient {
		allowUnknown(doc)
	}
	if name == "index.json" && !l.flat {
		dispatchTree(doc)
	}
	return doc, nil
}

// allowUnknown removes, in place, every "additionalProperties": false and
// "unevaluatedProperties": false of a schema document.
func allowUnknown(v any) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range []string{"additionalProperties", "unevaluatedProperties"} {
			if b, ok := x[k].(bool); ok && !b {
				delete(x, k)
			}
		}
		for _, c := range x {
			allowUnknown(c)
		}
	case []any:
		for _, c := range x {
			allowUnknown(c)
		}
	}
}

// kindIndex is the table of known message kinds, read from index.json.
type kindIndex struct {
	kinds  map[Kind]string // schema URL of each kind
	sorted []Kind
}

// loadIndex reads the kinds table once per process; the result is never
// modified.
var loadIndex = sync.OnceValue(func() *kindIndex {
	idx, err := parseIndex()
	if err != nil {
		panic("schemas: embedded index.json: " + err.Error()) // unreachable: TestIndex checks it
	}
	return idx
})

// parseIndex reads the kind table from the allOf of index.json, whose entries
// have the form {"if": {"properties": {"directive"|"event": {"properties":
// {"header": {"properties": {"namespace": {"const": N}, "name": {"const":
// M}}}}}}}, "then": {"$ref": URL}}.
func parseIndex() (*kindIndex, error) {
	data, err := embedded.ReadFile("json/index.json")
	if err != nil {
		return nil, err
	}
	doc, err := decodeJSON(data)
	if err != nil {
		return nil, err
	}
	get := func(v any, path ...string) any {
		for _, p := range path {
			m, _ := v.(map[string]any)
			v = m[p]
		}
		return v
	}
	idx := &kindIndex{kinds: map[Kind]string{}}
	entries, _ := get(doc, "allOf").([]any)
	for i, e := range entries {
		var k Kind
		props, _ := get(e, "if", "properties").(map[string]any)
		var msg any
		if msg = props["directive"]; msg != nil {
			k.Directive = true
		} else {
			msg = props["event"]
		}
		hdr := get(msg, "properties", "header", "properties")
		k.Namespace, _ = get(hdr, "namespace", "const").(string)
		k.Name, _ = get(hdr, "name", "const").(string)
		ref, _ := get(e, "then", "$ref").(string)
		if len(props) != 1 || k.Namespace == "" || k.Name == "" || ref == "" {
			return nil, fmt.Errorf("allOf/%d is not a kind entry", i)
		}
		if _, dup := idx.kinds[k]; dup {
			return nil, fmt.Errorf("allOf/%d: duplicate kind %s", i, k)
		}
		u, err := resolveURL(IndexURL, ref)
		if err != nil {
			return nil, err
		}
		idx.kinds[k] = u
		idx.sorted = append(idx.sorted, k)
	}
	sortKinds(idx.sorted)
	return idx, nil
}

func sortKinds(ks []Kind) {
	slices.SortFunc(ks, func(a, b Kind) int { return strings.Compare(a.String(), b.String()) })
}

// resolveURL resolves ref against base.
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
