// Package awsiottest is an in-process fake of the AWS IoT HTTP APIs that
// the adapters of package awsiot call, faithful to what they rely on, for
// tests and tools that must run without AWS.
//
// Control plane (restJson1, SigV4 service "iot"):
//
//	GET   /things/{name}   DescribeThing
//	GET   /things          ListThings (attributeName, attributeValue,
//	                       usePrefixAttributeValue, maxResults, nextToken)
//	PATCH /things/{name}   UpdateThing (attributePayload {attributes,
//	                       merge}, expectedVersion: 409 on mismatch)
//	POST  /things/{name}   CreateThing
//	GET   /endpoint        DescribeEndpoint
//
// Data plane (SigV4 service "iotdata"), classic shadows kept by the
// in-memory device cloud (package memory), which has AWS's semantics:
//
//	GET  /things/{name}/shadow   GetThingShadow
//	POST /things/{name}/shadow   UpdateThingShadow
//
// Errors carry X-Amzn-ErrorType and a JSON body with "message", as AWS
// sends them. ListThings pages walk the registry in name order,
// [Options].PageSize things at a time, and return the matching ones among
// them: a page may be empty and still have a nextToken, as with AWS.
package awsiottest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/memory"
)

// Options configures a [Fake].
type Options struct {
	// PageSize is the number of things a ListThings page walks; zero
	// means 25 (AWS's default maxResults).
	PageSize int
	// BasePath, if not empty, is the path every request must start with
	// (e.g. "/base"), to catch clients that build absolute paths.
	BasePath string
	// AccessKeyID, if not empty, requires every request to be signed
	// with AWS Signature Version 4 for Region, this access key and the
	// service of its plane ("iot" or "iotdata").
	AccessKeyID string
	// Region is the region of the signatures and of the ARNs; empty
	// means "us-east-1".
	Region string
	// Shadows keeps the shadows; nil means a new in-memory device cloud.
	Shadows *memory.IoT
	// AfterShadowUpdate, if set, is called after every accepted
	// UpdateThingShadow with the thing name and the update (e.g. to play
	// a device that acknowledges a desired state at once).
	AfterShadowUpdate func(thing string, u *device.Update)
	// Errorf, if set, is told of requests no AWS client of the adapters
	// should send (outside BasePath, badly signed), besides the error
	// answer they get; a test passes t.Errorf.
	Errorf func(format string, args ...any)
}

// Request is a request as the fake received it.
type Request struct {
	// Plane is "control" or "data".
	Plane  string
	Method string
	// Path is the path without the base path, unescaped.
	Path        string
	Query       url.Values
	Body        []byte
	ContentType string
}

// Fake is the fake AWS IoT. Serve its [Fake.Handler].
type Fake struct {
	opts    Options
	shadows *memory.IoT
	ownIoT  bool
	sigV4   *regexp.Regexp
	handler http.Handler

	mu     sync.Mutex
	things map[string]*thing
	reqs   []Request
	fail   []failure
	nextID int

	traceID atomic.Int64
}

type thing struct {
	attrs   map[string]string
	version int64
	id      string
}

type failure struct {
	status  int
	errType string
}

// New returns a fake with an empty registry.
func New(opts Options) (*Fake, error) {
	if opts.PageSize == 0 {
		opts.PageSize = 25
	}
	if opts.PageSize < 0 {
		return nil, errors.New("awsiottest: negative PageSize")
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.BasePath != "" && (!strings.HasPrefix(opts.BasePath, "/") || strings.HasSuffix(opts.BasePath, "/")) {
		return nil, fmt.Errorf("awsiottest: BasePath %q must start with / and not end with it", opts.BasePath)
	}
	f := &Fake{opts: opts, shadows: opts.Shadows, things: make(map[string]*thing)}
	if f.shadows == nil {
		iot, err := memory.New()
		if err != nil {
			return nil, err
		}
		f.shadows, f.ownIoT = iot, true
	}
	if opts.AccessKeyID != "" {
		f.sigV4 = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=` + regexp.QuoteMeta(opts.AccessKeyID) + `/\d{8}/` +
			regexp.QuoteMeta(opts.Region) + `/([a-z]+)/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`)
	}
	mux := http.NewServeMux()
	control := func(h http.HandlerFunc) http.Handler { return f.front("control", "iot", h) }
	data := func(h http.HandlerFunc) http.Handler { return f.front("data", "iotdata", h) }
	mux.Handle("GET /things/{name}", control(f.describeThing))
	mux.Handle("GET /things", control(f.listThings))
	mux.Handle("PATCH /things/{name}", control(f.updateThing))
	mux.Handle("POST /things/{name}", control(f.createThing))
	mux.Handle("GET /endpoint", control(f.describeEndpoint))
	mux.Handle("GET /things/{name}/shadow", data(f.getShadow))
	mux.Handle("POST /things/{name}/shadow", data(f.updateShadow))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		awsError(w, http.StatusNotFound, "UnknownOperationException", "no AWS IoT operation at "+r.Method+" "+r.URL.Path)
	})
	f.handler = f.strip(mux)
	return f, nil
}

// Handler serves both planes: point the iot and iotdataplane clients'
// BaseEndpoint at its URL plus BasePath.
func (f *Fake) Handler() http.Handler { return f.handler }

// Shadows returns the device cloud that keeps the shadows.
func (f *Fake) Shadows() *memory.IoT { return f.shadows }

// Close closes the shadows' device cloud if the fake made it.
func (f *Fake) Close() error {
	if f.ownIoT {
		return f.shadows.Close(context.Background())
	}
	return nil
}

func (f *Fake) errorf(format string, args ...any) {
	if f.opts.Errorf != nil {
		f.opts.Errorf(format, args...)
	}
}

// strip checks and removes the base path.
func (f *Fake) strip(next http.Handler) http.Handler {
	if f.opts.BasePath == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, f.opts.BasePath+"/") {
			f.errorf("request to %s, outside the base path %s", r.URL.Path, f.opts.BasePath)
			awsError(w, http.StatusNotFound, "UnknownOperationException", "path outside the base path: "+r.URL.Path)
			return
		}
		r.URL.Path = strings.TrimPrefix(r.URL.Path, f.opts.BasePath)
		r.URL.RawPath = ""
		next.ServeHTTP(w, r)
	})
}

// front checks the signature, records the request, plays scripted
// failures, and passes the request on to h.
func (f *Fake) front(plane, service string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.sigV4 != nil {
			if m := f.sigV4.FindStringSubmatch(r.Header.Get("Authorization")); m == nil || m[1] != service {
				f.errorf("%s %s: Authorization %q is not SigV4 for service %q with the test credentials", r.Method, r.URL.Path, r.Header.Get("Authorization"), service)
				awsError(w, http.StatusForbidden, "UnauthorizedException", "bad signature")
				return
			}
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
		f.mu.Lock()
		f.reqs = append(f.reqs, Request{Plane: plane, Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: body, ContentType: r.Header.Get("Content-Type")})
		var fail *failure
		if len(f.fail) > 0 {
			fail = &f.fail[0]
			f.fail = f.fail[1:]
		}
		f.mu.Unlock()
		if fail != nil {
			awsError(w, fail.status, fail.errType, "scripted failure")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// FailNext makes the next n requests fail with status and the error type
// errType (e.g. FailNext(1, 503, "ServiceUnavailableException")).
func (f *Fake) FailNext(n, status int, errType string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.fail = append(f.fail, failure{status, errType})
	}
}

// Requests returns the requests received since the last call.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.reqs
	f.reqs = nil
	return r
}

// Put adds a thing with attrs to the registry directly, bypassing
// CreateThing's checks (e.g. a registry that already holds duplicates).
func (f *Fake) Put(name string, attrs map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	f.things[name] = &thing{attrs: maps.Clone(attrs), version: 1, id: "id-" + strconv.Itoa(f.nextID)}
}

// ThingARN is the ARN the fake gives the thing name.
func (f *Fake) ThingARN(name string) string {
	return "arn:aws:iot:" + f.opts.Region + ":123456789012:thing/" + name
}

// awsError writes an AWS restJson1 error of the control plane.
func awsError(w http.ResponseWriter, status int, errType, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", errType+":http://internal.amazon.com/coral/com.amazonaws.iot/")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"message": msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *Fake) describeThing(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	f.mu.Lock()
	defer f.mu.Unlock()
	th, ok := f.things[name]
	if !ok {
		awsError(w, http.StatusNotFound, "ResourceNotFoundException", "Thing "+name+" cannot be found.")
		return
	}
	writeJSON(w, map[string]any{
		"thingName": name, "thingId": th.id, "thingArn": f.ThingARN(name), "defaultClientId": name,
		"attributes": th.attrs, "version": th.version,
	})
}

func (f *Fake) listThings(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	attr, value := q.Get("attributeName"), q.Get("attributeValue")
	prefix := q.Get("usePrefixAttributeValue") == "true"
	if (attr == "") != (value == "") {
		awsError(w, http.StatusBadRequest, "InvalidRequestException", "attributeName and attributeValue go together")
		return
	}
	limit := 25
	if s := q.Get("maxResults"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 250 {
			awsError(w, http.StatusBadRequest, "InvalidRequestException", "maxResults must be 1 to 250")
			return
		}
		limit = n
	}
	limit = min(limit, f.opts.PageSize)
	after := ""
	if tok := q.Get("nextToken"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || !strings.HasPrefix(string(b), "after:") {
			awsError(w, http.StatusBadRequest, "InvalidRequestException", "invalid nextToken")
			return
		}
		after = strings.TrimPrefix(string(b), "after:")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	names := slices.Sorted(maps.Keys(f.things))
	start, _ := slices.BinarySearch(names, after)
	if after != "" && start < len(names) && names[start] == after {
		start++
	}
	end := min(start+limit, len(names))
	things := []map[string]any{}
	for _, name := range names[start:end] {
		th := f.things[name]
		v, has := th.attrs[attr]
		if attr != "" && (!has || (prefix && !strings.HasPrefix(v, value)) || (!prefix && v != value)) {
			continue
		}
		things = append(things, map[string]any{"thingName": name, "thingArn": f.ThingARN(name), "attributes": th.attrs, "version": th.version})
	}
	out := map[string]any{"things": things}
	if end < len(names) {
		out["nextToken"] = base64.RawURLEncoding.EncodeToString([]byte("after:" + names[end-1]))
	}
	writeJSON(w, out)
}

type attributePayload struct {
	Attributes map[string]string `json:"attributes"`
	Merge      bool              `json:"merge"`
}

// validAttrValue is the registry's pattern for attribute values.
var validAttrValue = regexp.MustCompile(`^[a-zA-Z0-9_.,@/:#=\[\]-]*$`)

func (f *Fake) updateThing(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var in struct {
		AttributePayload *attributePayload `json:"attributePayload"`
		ExpectedVersion  *int64            `json:"expectedVersion"`
		ThingTypeName    *string           `json:"thingTypeName"`
		RemoveThingType  bool              `json:"removeThingType"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		awsError(w, http.StatusBadRequest, "InvalidRequestException", "bad body: "+err.Error())
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	th, ok := f.things[name]
	if !ok {
		awsError(w, http.StatusNotFound, "ResourceNotFoundException", "Thing "+name+" cannot be found.")
		return
	}
	if in.ExpectedVersion != nil && *in.ExpectedVersion != th.version {
		awsError(w, http.StatusConflict, "VersionConflictException",
			"The version for thing "+name+" does not match the expected version.")
		return
	}
	if p := in.AttributePayload; p != nil {
		for _, v := range p.Attributes {
			if !validAttrValue.MatchString(v) || len(v) > 800 {
				awsError(w, http.StatusBadRequest, "InvalidRequestException", "invalid attribute value")
				return
			}
		}
		if !p.Merge {
			th.attrs = map[string]string{}
		}
		for k, v := range p.Attributes {
			if v == "" && p.Merge {
				delete(th.attrs, k) // an empty value removes the attribute
			} else {
				th.attrs[k] = v
			}
		}
	}
	th.version++
	writeJSON(w, map[string]any{})
}

func (f *Fake) createThing(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var in struct {
		AttributePayload *attributePayload `json:"attributePayload"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil && !errors.Is(err, io.EOF) {
		awsError(w, http.StatusBadRequest, "InvalidRequestException", "bad body: "+err.Error())
		return
	}
	attrs := map[string]string{}
	if in.AttributePayload != nil {
		attrs = maps.Clone(in.AttributePayload.Attributes)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if th, ok := f.things[name]; ok {
		if !maps.Equal(th.attrs, attrs) {
			awsError(w, http.StatusConflict, "ResourceAlreadyExistsException", "Thing "+name+" already exists in account with different attributes")
			return
		}
		writeJSON(w, map[string]any{"thingName": name, "thingArn": f.ThingARN(name), "thingId": th.id})
		return
	}
	f.nextID++
	th := &thing{attrs: attrs, version: 1, id: "id-" + strconv.Itoa(f.nextID)}
	f.things[name] = th
	writeJSON(w, map[string]any{"thingName": name, "thingArn": f.ThingARN(name), "thingId": th.id})
}

func (f *Fake) describeEndpoint(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("endpointType") != "iot:Data-ATS" {
		awsError(w, http.StatusBadRequest, "InvalidRequestException", "endpointType")
		return
	}
	writeJSON(w, map[string]any{"endpointAddress": "a1b2c3d4e5f6g7-ats.iot." + f.opts.Region + ".amazonaws.com"})
}

// shadowError writes a data-plane error: X-Amzn-ErrorType and a JSON body
// with "message" (and a trace id). It carries no numeric "code" as the
// MQTT rejected topic does: the SDK's restJson1 error decoder takes "code"
// to be a string and fails on a number, so the HTTP API cannot send one.
func (f *Fake) shadowError(w http.ResponseWriter, status int, errType, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", errType+":http://internal.amazon.com/coral/com.amazonaws.iot.shadow/")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"message": msg, "traceId": "fake-" + strconv.FormatInt(f.traceID.Add(1), 36)})
}

func (f *Fake) getShadow(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if r.URL.Query().Has("name") {
		f.shadowError(w, http.StatusBadRequest, "InvalidRequestException", "named shadows are not used by the adapter")
		return
	}
	doc, err := f.shadows.Get(r.Context(), name)
	if errors.Is(err, device.ErrNotFound) {
		f.shadowError(w, http.StatusNotFound, "ResourceNotFoundException", "No shadow exists with name: '"+name+"'")
		return
	}
	if err != nil {
		f.shadowError(w, http.StatusInternalServerError, "InternalFailureException", err.Error())
		return
	}
	writeJSON(w, doc)
}

// maxShadowRequest is the largest UpdateThingShadow request body AWS
// accepts (8 KB for a classic shadow document request).
const maxShadowRequest = 8 * 1024

func (f *Fake) updateShadow(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	body, _ := io.ReadAll(r.Body)
	if len(body) > maxShadowRequest {
		f.shadowError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException", "Payload too large")
		return
	}
	var u device.Update
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&u); err != nil || dec.More() {
		f.shadowError(w, http.StatusBadRequest, "InvalidRequestException", "Invalid JSON")
		return
	}
	doc, err := f.shadows.Update(r.Context(), name, &u)
	switch {
	case errors.Is(err, device.ErrConflict):
		f.shadowError(w, http.StatusConflict, "ConflictException", "Version conflict")
	case errors.Is(err, device.ErrInvalidUpdate):
		f.shadowError(w, http.StatusBadRequest, "InvalidRequestException", err.Error())
	case err != nil:
		f.shadowError(w, http.StatusInternalServerError, "InternalFailureException", err.Error())
	default:
		if f.opts.AfterShadowUpdate != nil {
			f.opts.AfterShadowUpdate(name, &u)
		}
		writeJSON(w, doc)
	}
}
