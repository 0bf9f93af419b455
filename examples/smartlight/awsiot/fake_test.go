package awsiot_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/memory"
)

// fakeIoT is an in-process fake of the AWS IoT HTTP APIs the adapters
// call, faithful to what they rely on:
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
// in-memory implementation (package memory), which has AWS's semantics:
//
//	GET  /things/{name}/shadow   GetThingShadow
//	POST /things/{name}/shadow   UpdateThingShadow
//
// Errors carry X-Amzn-ErrorType and a JSON body with "message", as AWS
// sends them. ListThings pages walk the registry in name order, pageSize
// things at a time, and return the matching ones among them: a page may
// be empty and still have a nextToken. Both servers are mounted under a
// non-empty base path, to catch clients that build absolute paths.
type fakeIoT struct {
	t        *testing.T
	pageSize int
	shadows  *memory.IoT

	control, data *httptest.Server
	controlURL    string
	dataURL       string

	mu     sync.Mutex
	things map[string]*fakeThing
	reqs   []fakeRequest
	fail   []fakeFailure
	nextID int
}

type fakeThing struct {
	attrs   map[string]string
	version int64
	id      string
}

// fakeRequest is a request as the fake received it.
type fakeRequest struct {
	Plane       string // "control" or "data"
	Method      string
	Path        string // without the base path, unescaped
	Query       url.Values
	Body        []byte
	ContentType string
}

type fakeFailure struct {
	status  int
	errType string
}

const (
	testRegion = "us-east-1"
	testKeyID  = "AKIDTESTFAKE"
	basePath   = "/base"
)

func newFakeIoT(t *testing.T, pageSize int) *fakeIoT {
	t.Helper()
	shadows, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeIoT{t: t, pageSize: pageSize, shadows: shadows, things: make(map[string]*fakeThing)}

	control := http.NewServeMux()
	control.HandleFunc("GET /things/{name}", f.describeThing)
	control.HandleFunc("GET /things", f.listThings)
	control.HandleFunc("PATCH /things/{name}", f.updateThing)
	control.HandleFunc("POST /things/{name}", f.createThing)
	control.HandleFunc("GET /endpoint", f.describeEndpoint)
	data := http.NewServeMux()
	data.HandleFunc("GET /things/{name}/shadow", f.getShadow)
	data.HandleFunc("POST /things/{name}/shadow", f.updateShadow)

	f.control = httptest.NewServer(f.front("control", "iot", control))
	f.data = httptest.NewServer(f.front("data", "iotdata", data))
	f.controlURL, f.dataURL = f.control.URL+basePath, f.data.URL+basePath
	t.Cleanup(func() {
		f.control.Close()
		f.data.Close()
	})
	return f
}

// sigV4 matches the Authorization header of a request signed with the test
// credentials; the service is the fourth group.
var sigV4 = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=` + testKeyID + `/\d{8}/` + testRegion + `/([a-z]+)/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`)

// front checks the base path and the signature, records the request, plays
// scripted failures, and passes the request on to mux.
func (f *fakeIoT) front(plane, service string, mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, basePath+"/") {
			awsError(w, http.StatusNotFound, "UnknownOperationException", "path outside the base path: "+r.URL.Path)
			f.t.Errorf("request to %s, outside the base path %s", r.URL.Path, basePath)
			return
		}
		r.URL.Path = strings.TrimPrefix(r.URL.Path, basePath)
		r.URL.RawPath = ""
		if m := sigV4.FindStringSubmatch(r.Header.Get("Authorization")); m == nil || m[1] != service {
			f.t.Errorf("%s %s: Authorization %q is not SigV4 for service %q with the test credentials", r.Method, r.URL.Path, r.Header.Get("Authorization"), service)
			awsError(w, http.StatusForbidden, "UnauthorizedException", "bad signature")
			return
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
		f.mu.Lock()
		f.reqs = append(f.reqs, fakeRequest{Plane: plane, Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: body, ContentType: r.Header.Get("Content-Type")})
		var fail *fakeFailure
		if len(f.fail) > 0 {
			fail = &f.fail[0]
			f.fail = f.fail[1:]
		}
		f.mu.Unlock()
		if fail != nil {
			awsError(w, fail.status, fail.errType, "scripted failure")
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// failNext makes the next n requests fail with status and errType.
func (f *fakeIoT) failNext(n, status int, errType string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.fail = append(f.fail, fakeFailure{status, errType})
	}
}

// requests returns the requests received so far and forgets them.
func (f *fakeIoT) requests() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.reqs
	f.reqs = nil
	return r
}

// put adds a thing directly, bypassing CreateThing (a registry that
// already holds things, duplicates included).
func (f *fakeIoT) put(name string, attrs map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	f.things[name] = &fakeThing{attrs: maps.Clone(attrs), version: 1, id: "id-" + strconv.Itoa(f.nextID)}
}

// awsError writes an AWS restJson1 error.
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

func arn(name string) string { return "arn:aws:iot:" + testRegion + ":123456789012:thing/" + name }

func (f *fakeIoT) describeThing(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	f.mu.Lock()
	defer f.mu.Unlock()
	th, ok := f.things[name]
	if !ok {
		awsError(w, http.StatusNotFound, "ResourceNotFoundException", "Thing "+name+" cannot be found.")
		return
	}
	writeJSON(w, map[string]any{
		"thingName": name, "thingId": th.id, "thingArn": arn(name), "defaultClientId": name,
		"attributes": th.attrs, "version": th.version,
	})
}

func (f *fakeIoT) listThings(w http.ResponseWriter, r *http.Request) {
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
	limit = min(limit, f.pageSize)
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
		things = append(things, map[string]any{"thingName": name, "thingArn": arn(name), "attributes": th.attrs, "version": th.version})
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

func (f *fakeIoT) updateThing(w http.ResponseWriter, r *http.Request) {
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

func (f *fakeIoT) createThing(w http.ResponseWriter, r *http.Request) {
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
		writeJSON(w, map[string]any{"thingName": name, "thingArn": arn(name), "thingId": th.id})
		return
	}
	f.nextID++
	th := &fakeThing{attrs: attrs, version: 1, id: "id-" + strconv.Itoa(f.nextID)}
	f.things[name] = th
	writeJSON(w, map[string]any{"thingName": name, "thingArn": arn(name), "thingId": th.id})
}

func (f *fakeIoT) describeEndpoint(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("endpointType") != "iot:Data-ATS" {
		awsError(w, http.StatusBadRequest, "InvalidRequestException", "endpointType")
		return
	}
	writeJSON(w, map[string]any{"endpointAddress": "a1b2c3d4e5f6g7-ats.iot." + testRegion + ".amazonaws.com"})
}

// shadowError writes a data-plane error: X-Amzn-ErrorType and a JSON body
// with "message" (and a trace id). It carries no numeric "code" as the
// MQTT rejected topic does: the SDK's restJson1 error decoder takes "code"
// to be a string and fails on a number, so the HTTP API cannot send one.
func shadowError(w http.ResponseWriter, status int, errType, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", errType+":http://internal.amazon.com/coral/com.amazonaws.iot.shadow/")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"message": msg, "traceId": "fake-" + strconv.FormatInt(time.Now().UnixNano(), 36)})
}

func (f *fakeIoT) getShadow(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if r.URL.Query().Has("name") {
		shadowError(w, http.StatusBadRequest, "InvalidRequestException", "named shadows are not used by the adapter")
		return
	}
	doc, err := f.shadows.Get(r.Context(), name)
	if errors.Is(err, device.ErrNotFound) {
		shadowError(w, http.StatusNotFound, "ResourceNotFoundException", "No shadow exists with name: '"+name+"'")
		return
	}
	if err != nil {
		shadowError(w, http.StatusInternalServerError, "InternalFailureException", err.Error())
		return
	}
	writeJSON(w, doc)
}

func (f *fakeIoT) updateShadow(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	body, _ := io.ReadAll(r.Body)
	if len(body) > 8*1024 {
		shadowError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException", "Payload too large")
		return
	}
	var u device.Update
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&u); err != nil || dec.More() {
		shadowError(w, http.StatusBadRequest, "InvalidRequestException", "Invalid JSON")
		return
	}
	doc, err := f.shadows.Update(r.Context(), name, &u)
	switch {
	case errors.Is(err, device.ErrConflict):
		shadowError(w, http.StatusConflict, "ConflictException", "Version conflict")
	case errors.Is(err, device.ErrInvalidUpdate):
		shadowError(w, http.StatusBadRequest, "InvalidRequestException", err.Error())
	case err != nil:
		shadowError(w, http.StatusInternalServerError, "InternalFailureException", err.Error())
	default:
		writeJSON(w, doc)
	}
}

// Clients for the fake: static credentials, the fake's endpoints, and a
// retryer with short backoffs.

func testRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxBackoff = 5 * time.Millisecond })
}

func (f *fakeIoT) iotClient() *iot.Client {
	return iot.New(iot.Options{
		BaseEndpoint: aws.String(f.controlURL),
		Region:       testRegion,
		Credentials:  credentials.NewStaticCredentialsProvider(testKeyID, "test-secret", ""),
		Retryer:      testRetryer(),
	})
}

func (f *fakeIoT) dataClient() *iotdataplane.Client {
	return iotdataplane.New(iotdataplane.Options{
		BaseEndpoint: aws.String(f.dataURL),
		Region:       testRegion,
		Credentials:  credentials.NewStaticCredentialsProvider(testKeyID, "test-secret", ""),
		Retryer:      testRetryer(),
	})
}
