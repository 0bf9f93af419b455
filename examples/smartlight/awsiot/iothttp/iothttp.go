// Package iothttp implements the smart light's device edges on the HTTP
// APIs of AWS IoT Core with net/http and the AWS SDK's SigV4 signer only,
// without the SDK's IoT clients: [Shadow] is a [device.Shadow] on the
// classic shadows of the data plane (GetThingShadow, UpdateThingShadow),
// [Registry] a [device.Registry] on the thing registry (DescribeThing,
// ListThings, UpdateThing), and [DataEndpoint] asks for the account's data
// endpoint. They have the semantics of package awsiot's adapters (which
// use service/iot and service/iotdataplane) and pass the same conformance
// tests (package devicetest), errors included: ResourceNotFoundException is
// [device.ErrNotFound], VersionConflictException and ConflictException
// [device.ErrConflict], the shadow's InvalidRequestException,
// RequestEntityTooLargeException and UnsupportedDocumentEncodingException
// [device.ErrInvalidUpdate] (RequestEntityTooLargeException
// [device.ErrTooLarge] as well); every error wraps an [*APIError].
//
// # Why
//
// The skill function answers a directive from the registry and the
// shadow. Go initializes every linked package at each cold start, and the
// SDK's two IoT clients cost the function's cold start about 2 ms there
// (their endpoint rule sets compile regular expressions) and as much
// again at their first calls (the middleware stacks): the APIs themselves
// are a few REST calls with JSON bodies that a shadow document is already
// in. Functions that provision or manage things keep package awsiot.
//
// # Retries
//
// A request answered 429, 500, 502, 503 or 504, or that failed in
// transport, is tried again after a short backoff, up to [Config].Attempts
// times in all, as the SDK's standard retryer does for these APIs.
package iothttp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-alexa/smarthome/examples/smartlight/awsiot/internal/lookup"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// Defaults.
const (
	// DefaultAttempts is how many times a request is tried.
	DefaultAttempts = 3
	// DefaultBackoff is the wait before the second attempt; it doubles
	// at each further one.
	DefaultBackoff = 50 * time.Millisecond
	// maxBody bounds a response body: a shadow document is at most 8 KB,
	// a ListThings page of 250 things far less than this.
	maxBody = 4 << 20
	// listPageSize is the maxResults of ListThings requests: the largest
	// the registry allows, for the fewest round trips.
	listPageSize = 250
)

// Config configures a [Client].
type Config struct {
	// Region and Credentials sign the requests (SigV4, services "iot"
	// and "iotdata"). Required.
	Region      string
	Credentials aws.CredentialsProvider
	// HTTPClient sends them; nil means http.DefaultClient.
	HTTPClient aws.HTTPClient
	// ControlEndpoint is the base URL of the control plane (the
	// registry), e.g. https://iot.eu-west-1.amazonaws.com; required by
	// [Client.Registry] and [Client.DataEndpoint].
	ControlEndpoint string
	// DataEndpoint is the account's data endpoint (the shadows): a host
	// name such as a1b2c3-ats.iot.eu-west-1.amazonaws.com, or an http(s)
	// URL; required by [Client.Shadow].
	DataEndpoint string
	// Attempts and Backoff: zero means DefaultAttempts and
	// DefaultBackoff.
	Attempts int
	Backoff  time.Duration
}

// Client calls the IoT HTTP APIs. It is safe for concurrent use.
type Client struct {
	cfg     Config
	signer  *v4.Signer
	control string
	data    string
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.Region == "" || cfg.Credentials == nil {
		return nil, errors.New("iothttp: Config.Region and Config.Credentials are required")
	}
	c := &Client{cfg: cfg, signer: v4.NewSigner()}
	if c.cfg.HTTPClient == nil {
		c.cfg.HTTPClient = http.DefaultClient
	}
	if c.cfg.Attempts <= 0 {
		c.cfg.Attempts = DefaultAttempts
	}
	if c.cfg.Backoff <= 0 {
		c.cfg.Backoff = DefaultBackoff
	}
	if cfg.ControlEndpoint != "" {
		u, err := EndpointURL(cfg.ControlEndpoint)
		if err != nil {
			return nil, fmt.Errorf("iothttp: the control endpoint: %w", err)
		}
		c.control = u
	}
	if cfg.DataEndpoint != "" {
		u, err := EndpointURL(cfg.DataEndpoint)
		if err != nil {
			return nil, fmt.Errorf("iothttp: the data endpoint: %w", err)
		}
		c.data = u
	}
	return c, nil
}

// EndpointURL turns an endpoint host into its https URL, and checks an
// http(s) URL.
func EndpointURL(endpoint string) (string, error) {
	if endpoint == "" {
		return "", errors.New("iothttp: the endpoint is empty")
	}
	if !strings.Contains(endpoint, "://") {
		endpoint = "https://" + endpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("iothttp: the endpoint %q is not a host name or http(s) URL", endpoint)
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// APIError is an error answer of an IoT API.
type APIError struct {
	// Status is the HTTP status; Type the exception, e.g.
	// "ResourceNotFoundException"; Message AWS's message.
	Status  int
	Type    string
	Message string
}

// Error returns e.g. "404 ResourceNotFoundException: No shadow exists".
func (e *APIError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Type, e.Message)
}

// retryable reports whether the answer is worth another attempt.
func (e *APIError) retryable() bool {
	switch e.Status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return strings.Contains(e.Type, "Throttl")
}

// call makes one API request to base+path (signed for service), trying
// it again as documented, and returns the body of the 2xx answer.
func (c *Client) call(ctx context.Context, base, service, method, path string, query url.Values, body []byte) ([]byte, error) {
	if base == "" {
		return nil, fmt.Errorf("iothttp: no endpoint configured for %s", service)
	}
	creds, err := c.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("iothttp: credentials: %w", err)
	}
	u := base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	var last error
	for attempt := range c.cfg.Attempts {
		if attempt > 0 {
			t := time.NewTimer(c.cfg.Backoff << (attempt - 1))
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, errors.Join(last, ctx.Err())
			case <-t.C:
			}
		}
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, u, rd)
		if err != nil {
			return nil, err
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if err := c.signer.SignHTTP(ctx, creds, req, payloadHash, service, c.cfg.Region, time.Now()); err != nil {
			return nil, err
		}
		resp, err := c.cfg.HTTPClient.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			last = err
			continue
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
		resp.Body.Close()
		if err != nil {
			last = err
			continue
		}
		if len(data) > maxBody {
			return nil, fmt.Errorf("iothttp: %s %s: the answer is larger than %d bytes", method, path, maxBody)
		}
		if resp.StatusCode/100 == 2 {
			return data, nil
		}
		e := &APIError{Status: resp.StatusCode, Type: resp.Header.Get("X-Amzn-ErrorType")}
		var msg struct {
			Message string `json:"message"`
			Type    string `json:"__type"`
		}
		_ = json.Unmarshal(data, &msg)
		e.Message = msg.Message
		if e.Type == "" {
			e.Type = msg.Type
		}
		if i := strings.IndexByte(e.Type, ':'); i >= 0 {
			e.Type = e.Type[:i]
		}
		if i := strings.LastIndexByte(e.Type, '#'); i >= 0 {
			e.Type = e.Type[i+1:]
		}
		last = e
		if !e.retryable() {
			return nil, e
		}
	}
	return nil, last
}

// wrap wraps err of op on thing, adding the device sentinel its exception
// type stands for; update says whether op writes a shadow.
func wrap(op, thing string, update bool, err error) error {
	var e *APIError
	if !errors.As(err, &e) {
		return fmt.Errorf("iothttp: %s %q: %w", op, thing, err)
	}
	switch e.Type {
	case "ResourceNotFoundException":
		return fmt.Errorf("iothttp: %s %q: %w: %w", op, thing, device.ErrNotFound, err)
	case "VersionConflictException", "ConflictException":
		return fmt.Errorf("iothttp: %s %q: %w: %w", op, thing, device.ErrConflict, err)
	case "RequestEntityTooLargeException":
		if update {
			return fmt.Errorf("iothttp: %s %q: %w: %w: %w", op, thing, device.ErrInvalidUpdate, device.ErrTooLarge, err)
		}
	case "InvalidRequestException", "UnsupportedDocumentEncodingException":
		if update {
			return fmt.Errorf("iothttp: %s %q: %w: %w", op, thing, device.ErrInvalidUpdate, err)
		}
	}
	return fmt.Errorf("iothttp: %s %q: %w", op, thing, err)
}

// Shadow is a [device.Shadow] on the classic (unnamed) shadows of the
// data plane. It is safe for concurrent use.
type Shadow struct{ c *Client }

var _ device.Shadow = (*Shadow)(nil)

// Shadow returns the Client's shadows; the Config needs a DataEndpoint.
func (c *Client) Shadow() *Shadow { return &Shadow{c: c} }

// Get returns the thing's shadow document (GetThingShadow), with its
// delta; [device.ErrNotFound] if the thing has no shadow.
func (s *Shadow) Get(ctx context.Context, thingName string) (*device.Document, error) {
	if !device.ValidThingName(thingName) {
		return nil, fmt.Errorf("iothttp: shadow of %q: %w (not a valid thing name)", thingName, device.ErrNotFound)
	}
	data, err := s.c.call(ctx, s.c.data, "iotdata", http.MethodGet, "/things/"+thingName+"/shadow", nil, nil)
	if err != nil {
		return nil, wrap("reading the shadow of thing", thingName, false, err)
	}
	var doc device.Document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("iothttp: the shadow of thing %q is not a shadow document: %w", thingName, err)
	}
	return &doc, nil
}

// Update merges u into the thing's shadow (UpdateThingShadow) and returns
// the accepted document. u is encoded with encoding/json; a non-zero
// u.Version makes the update conditional ([device.ErrConflict] when the
// shadow is at another version).
func (s *Shadow) Update(ctx context.Context, thingName string, u *device.Update) (*device.Document, error) {
	if u == nil {
		return nil, fmt.Errorf("iothttp: shadow of %q: %w: nil update", thingName, device.ErrInvalidUpdate)
	}
	if !device.ValidThingName(thingName) {
		return nil, fmt.Errorf("iothttp: shadow of %q: %w: not a valid thing name", thingName, device.ErrInvalidUpdate)
	}
	payload, err := json.Marshal(u)
	if err != nil {
		return nil, fmt.Errorf("iothttp: shadow of %q: %w: %w", thingName, device.ErrInvalidUpdate, err)
	}
	data, err := s.c.call(ctx, s.c.data, "iotdata", http.MethodPost, "/things/"+thingName+"/shadow", nil, payload)
	if err != nil {
		return nil, wrap("updating the shadow of thing", thingName, true, err)
	}
	var doc device.Document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("iothttp: the accepted update of the shadow of %q is not a shadow document: %w", thingName, err)
	}
	return &doc, nil
}

// Registry is a [device.Registry] on the thing registry. It is safe for
// concurrent use.
type Registry struct{ c *Client }

var _ device.Registry = (*Registry)(nil)

// Registry returns the Client's registry; the Config needs a
// ControlEndpoint.
func (c *Client) Registry() *Registry { return &Registry{c: c} }

// thingJSON is a thing as DescribeThing and ListThings return it.
type thingJSON struct {
	ThingName  string            `json:"thingName"`
	Attributes map[string]string `json:"attributes"`
	Version    int64             `json:"version"`
}

func (t thingJSON) thing() device.Thing {
	return device.Thing{
		Name:            t.ThingName,
		SerialNumber:    t.Attributes[device.AttrSerialNumber],
		Owner:           t.Attributes[device.AttrOwner],
		ClaimSecretHash: t.Attributes[device.AttrClaimSecretHash],
		Version:         t.Version,
	}
}

// Thing returns the thing named name (DescribeThing).
func (r *Registry) Thing(ctx context.Context, name string) (device.Thing, error) {
	if !device.ValidThingName(name) {
		return device.Thing{}, fmt.Errorf("iothttp: thing %q: %w (not a valid thing name)", name, device.ErrNotFound)
	}
	data, err := r.c.call(ctx, r.c.control, "iot", http.MethodGet, "/things/"+name, nil, nil)
	if err != nil {
		return device.Thing{}, wrap("describing thing", name, false, err)
	}
	var t thingJSON
	if err := json.Unmarshal(data, &t); err != nil {
		return device.Thing{}, fmt.Errorf("iothttp: describing thing %q: %w", name, err)
	}
	return t.thing(), nil
}

// list calls visit with every thing whose attribute attr is value, page by
// page (ListThings, following nextToken), until visit returns false.
func (r *Registry) list(ctx context.Context, attr, value string, visit func(device.Thing) bool) error {
	q := url.Values{"attributeName": {attr}, "attributeValue": {value}, "maxResults": {strconv.Itoa(listPageSize)}}
	for {
		data, err := r.c.call(ctx, r.c.control, "iot", http.MethodGet, "/things", q, nil)
		if err != nil {
			return err
		}
		var page struct {
			Things    []thingJSON `json:"things"`
			NextToken string      `json:"nextToken"`
		}
		if err := json.Unmarshal(data, &page); err != nil {
			return fmt.Errorf("a ListThings page: %w", err)
		}
		for _, t := range page.Things {
			// The filter is an exact match; checking again costs nothing
			// and keeps a misbehaving page from handing out a device.
			if t.Attributes[attr] != value {
				continue
			}
			if !visit(t.thing()) {
				return nil
			}
		}
		if page.NextToken == "" {
			return nil
		}
		q.Set("nextToken", page.NextToken)
	}
}

// ThingBySerial returns the thing whose serialNumber attribute is serial:
// [device.ErrNotFound] if none, [device.ErrDuplicateSerial] if several. It
// reads every page of the ListThings result until it finds a second match.
func (r *Registry) ThingBySerial(ctx context.Context, serial string) (device.Thing, error) {
	return lookup.BySerial(ctx, r.list, "iothttp", serial)
}

// ThingsByOwner returns every thing whose userID attribute is owner, from
// every page of the ListThings result, sorted by serial number (then
// name).
func (r *Registry) ThingsByOwner(ctx context.Context, owner string) ([]device.Thing, error) {
	return lookup.ByOwner(ctx, r.list, "iothttp", owner)
}

// SetOwner sets the userID attribute of the thing named name to owner, or
// removes it for "", if the thing is still at expectedVersion: one
// UpdateThing that merges the attribute with expectedVersion, so that of
// concurrent claims from one version exactly one wins and the others get
// [device.ErrConflict]. It returns the thing as DescribeThing reads it
// after the update.
func (r *Registry) SetOwner(ctx context.Context, name, owner string, expectedVersion int64) (device.Thing, error) {
	if !device.ValidThingName(name) {
		return device.Thing{}, fmt.Errorf("iothttp: thing %q: %w (not a valid thing name)", name, device.ErrNotFound)
	}
	if owner != "" && !device.ValidUserID(owner) {
		return device.Thing{}, fmt.Errorf("iothttp: invalid owner %q", owner)
	}
	type attributePayload struct {
		Attributes map[string]string `json:"attributes"`
		Merge      bool              `json:"merge"`
	}
	body, err := json.Marshal(struct {
		AttributePayload attributePayload `json:"attributePayload"`
		ExpectedVersion  int64            `json:"expectedVersion"`
	}{attributePayload{map[string]string{device.AttrOwner: owner}, true}, expectedVersion})
	if err != nil {
		return device.Thing{}, err
	}
	if _, err := r.c.call(ctx, r.c.control, "iot", http.MethodPatch, "/things/"+name, nil, body); err != nil {
		return device.Thing{}, wrap("updating the owner of thing", name, false, err)
	}
	t, err := r.Thing(ctx, name)
	if err != nil {
		return device.Thing{}, fmt.Errorf("iothttp: reading thing %q after setting its owner: %w", name, err)
	}
	return t, nil
}

// DataEndpoint asks the registry for the account's IoT data endpoint
// (DescribeEndpoint with type iot:Data-ATS), for [Config].DataEndpoint.
// It costs a request: configure the endpoint instead where start-up time
// matters.
func (c *Client) DataEndpoint(ctx context.Context) (string, error) {
	data, err := c.call(ctx, c.control, "iot", http.MethodGet, "/endpoint", url.Values{"endpointType": {"iot:Data-ATS"}}, nil)
	if err != nil {
		return "", fmt.Errorf("iothttp: describing the IoT data endpoint: %w", err)
	}
	var out struct {
		EndpointAddress string `json:"endpointAddress"`
	}
	if err := json.Unmarshal(data, &out); err != nil || out.EndpointAddress == "" {
		return "", errors.New("iothttp: describing the IoT data endpoint: no address in the answer")
	}
	return out.EndpointAddress, nil
}
