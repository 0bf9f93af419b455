package schemas

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/go-alexa/smarthome/internal/errfmt"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// UpstreamSchemaPath is where LoadUpstream finds Amazon's schema, relative to
// the folder it is given (a checkout of github.com/alexa-samples/alexa-smarthome).
const UpstreamSchemaPath = "validation_schemas/alexa_smart_home_message_schema.json"

// upstreamURL names the upstream schema inside the compiler; nothing is
// fetched from it.
const upstreamURL = "urn:alexa-smarthome:alexa_smart_home_message_schema.json"

// Upstream is Amazon's published Alexa Smart Home message schema (JSON Schema
// draft-04), compiled for use as an independent oracle in tests. It describes
// only events (skill to Alexa) and lacks some kinds and interfaces; see
// UPSTREAM.md in this package for its known gaps and defects. It is not meant
// for use at run time: it is large, slow to compile, and under the Amazon
// Software License. An Upstream is safe for concurrent use.
type Upstream struct {
	branches map[Kind]*jsonschema.Schema
}

// LoadUpstream loads and compiles UpstreamSchemaPath from dir.
func LoadUpstream(dir string) (*Upstream, error) {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(UpstreamSchemaPath)))
	if err != nil {
		return nil, errfmt.Errorf("schemas: loading upstream schema: %w", err)
	}
	doc, err := decodeJSON(data)
	if err != nil {
		return nil, errfmt.Errorf("schemas: upstream schema: %w: %w", ErrNotJSON, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	if err := c.AddResource(upstreamURL, doc); err != nil {
		return nil, errfmt.Errorf("schemas: upstream schema: %w", err)
	}
	u := &Upstream{branches: map[Kind]*jsonschema.Schema{}}
	root, _ := doc.(map[string]any)
	top, _ := root["oneOf"].([]any)
	if len(top) == 0 {
		return nil, fmt.Errorf("schemas: upstream schema has no top-level oneOf")
	}
	// Each message kind is a branch of the top-level oneOf, possibly grouped
	// in a nested oneOf, identified by the enums of its event header.
	add := func(ptr string, branch any) error {
		hdr := dig(branch, "properties", "event", "properties", "header", "properties")
		namespaces, _ := dig(hdr, "namespace", "enum").([]any)
		names, _ := dig(hdr, "name", "enum").([]any)
		if len(namespaces) == 0 || len(names) == 0 {
			return fmt.Errorf("schemas: upstream schema: %s is not an event branch", ptr)
		}
		sch, err := c.Compile(upstreamURL + "#" + ptr)
		if err != nil {
			return errfmt.Errorf("schemas: compiling upstream %s: %w", ptr, err)
		}
		for _, ns := range namespaces {
			for _, n := range names {
				nss, _ := ns.(string)
				ns, _ := n.(string)
				u.branches[Kind{Namespace: nss, Name: ns}] = sch
			}
		}
		return nil
	}
	for i, b := range top {
		ptr := "/oneOf/" + strconv.Itoa(i)
		if nested, ok := dig(b, "oneOf").([]any); ok {
			for j, nb := range nested {
				if err := add(ptr+"/oneOf/"+strconv.Itoa(j), nb); err != nil {
					return nil, err
				}
			}
			continue
		}
		if err := add(ptr, b); err != nil {
			return nil, err
		}
	}
	return u, nil
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	return v
}

// Covers reports whether the upstream schema describes messages of kind k. It
// never covers directives.
func (u *Upstream) Covers(k Kind) bool {
	if k.Directive {
		return false
	}
	_, ok := u.branches[k]
	return ok
}

// Kinds returns the kinds the upstream schema covers, sorted by String.
func (u *Upstream) Kinds() []Kind {
	ks := make([]Kind, 0, len(u.branches))
	for k := range u.branches {
		ks = append(ks, k)
	}
	sortKinds(ks)
	return ks
}

// Validate validates an event against the branch of the upstream schema for
// its header's namespace and name, rather than against the whole schema: that
// is several times faster and keeps errors to the relevant branch. It returns
// nil, an *Error, an error wrapping ErrNotJSON or ErrNotMessage, or one
// wrapping ErrNotCovered for a kind Covers rejects. In the *Error, where the
// schema offers alternatives (anyOf/oneOf over interfaces, properties or
// error types) the violations come from the alternative whose namespace,
// name, interface or type matched the message.
func (u *Upstream) Validate(data []byte) error {
	inst, err := decodeJSON(data)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotJSON, err)
	}
	k, err := kindOfValue(inst)
	if err != nil {
		return err
	}
	if !u.Covers(k) {
		return fmt.Errorf("%w: %v", ErrNotCovered, k)
	}
	if err := u.branches[k].Validate(inst); err != nil {
		return &Error{Kind: k, Violations: summarize(err, chooseUpstream)}
	}
	return nil
}

// discriminators are the members whose const/enum identify an alternative.
var discriminators = map[string]bool{"namespace": true, "name": true, "interface": true, "type": true, "@type": true}

// chooseUpstream keeps the alternatives whose discriminating members matched.
// When none did, the message is of a kind the schema does not list, which is
// reported as one violation.
func chooseUpstream(e *jsonschema.ValidationError) ([]*jsonschema.ValidationError, *Violation) {
	var matched []*jsonschema.ValidationError
	for _, b := range e.Causes {
		if !discriminatorFailed(b, len(e.InstanceLocation)) {
			matched = append(matched, b)
		}
	}
	if len(matched) == 0 {
		return nil, &Violation{pointer(e.InstanceLocation),
			"matches none of the " + strconv.Itoa(len(e.Causes)) + " alternatives the schema lists"}
	}
	return fewestLeaves(matched), nil
}

// discriminatorFailed reports whether a const or enum check failed on a
// discriminating member of the instance at depth.
func discriminatorFailed(e *jsonschema.ValidationError, depth int) bool {
	if len(e.Causes) == 0 {
		switch e.ErrorKind.(type) {
		case *kind.Const, *kind.Enum:
			loc := e.InstanceLocation
			return len(loc) == depth+1 && discriminators[loc[depth]]
		}
		return false
	}
	return slices.ContainsFunc(e.Causes, func(c *jsonschema.ValidationError) bool {
		return discriminatorFailed(c, depth)
	})
}
