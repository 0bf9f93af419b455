// Package memory is an in-process device cloud: a thing registry
// ([device.Registry]), classic device shadows ([device.Shadow]) and the
// MQTT broker their topics live on ([device.Broker]), with the semantics of
// AWS IoT Core that the smart light relies on, persisted to a JSON file.
// Local mode and the tests run on it.
//
// The shadow follows the classic AWS IoT device shadow: updates merge into
// state.desired and state.reported (object keys recursively, null deletes),
// every key gets a metadata timestamp (Unix seconds), the version grows by
// one per accepted update, an update with a version is conditional, the
// delta is the desired keys whose value differs from the reported one, and
// the state may hold at most [MaxStateBytes] in at most [MaxDepth] levels.
// Each accepted update is published on the thing's update/accepted topic,
// and, when keys it wrote to the desired state differ from the reported
// state, a delta of those keys on update/delta. Devices publish on the update topic (rejections come
// back on update/rejected) and may request their document on the get topic
// (answered on get/accepted or get/rejected).
package memory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// Limits of a shadow, those of AWS IoT.
const (
	// MaxStateBytes is the largest encoded desired plus reported state.
	MaxStateBytes = 8 * 1024
	// MaxDepth is the deepest nesting of keys in a state section.
	MaxDepth = 6
)

// ErrExists is returned by [IoT.Provision] for a thing name or serial
// number already in the registry.
var ErrExists = errors.New("memory: thing already exists")

// Option configures an [IoT].
type Option func(*IoT)

// WithClock sets the clock of the shadow timestamps; the default is
// time.Now.
func WithClock(now func() time.Time) Option { return func(c *IoT) { c.now = now } }

// WithFile makes the IoT durable in the JSON file at path: [New] loads it
// if it exists, and [IoT.Save] writes it (atomically, permissions 0600).
func WithFile(path string) Option { return func(c *IoT) { c.path = path } }

// IoT is an in-process device cloud: registry, shadows and broker. It
// implements [device.Registry], [device.Shadow] and [device.Broker] and is
// safe for concurrent use. Close it to stop its delivery goroutines.
type IoT struct {
	now  func() time.Time
	path string

	mu      sync.Mutex
	things  map[string]device.Thing
	shadows map[string]*shadow
	dirty   bool

	bus *bus
}

type shadow struct {
	desired, reported         map[string]any
	metaDesired, metaReported map[string]any
	version, timestamp        int64
}

// New returns an empty IoT, or the one saved in the file of [WithFile].
func New(opts ...Option) (*IoT, error) {
	c := &IoT{
		now:     time.Now,
		things:  make(map[string]device.Thing),
		shadows: make(map[string]*shadow),
	}
	for _, o := range opts {
		o(c)
	}
	c.bus = newBus()
	if c.path != "" {
		if err := c.load(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

var (
	_ device.Registry = (*IoT)(nil)
	_ device.Shadow   = (*IoT)(nil)
	_ device.Broker   = (*IoT)(nil)
)

// Provision adds a thing to the registry, as a factory does. The thing's
// name and serial number must be valid and unused.
func (c *IoT) Provision(ctx context.Context, t device.Thing) (device.Thing, error) {
	if err := ctx.Err(); err != nil {
		return device.Thing{}, err
	}
	switch {
	case !device.ValidThingName(t.Name):
		return device.Thing{}, fmt.Errorf("memory: invalid thing name %q", t.Name)
	case !device.ValidSerialNumber(t.SerialNumber):
		return device.Thing{}, fmt.Errorf("memory: invalid serial number %q", t.SerialNumber)
	case t.Owner != "" && !device.ValidUserID(t.Owner):
		return device.Thing{}, fmt.Errorf("memory: invalid owner %q", t.Owner)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.things[t.Name]; ok {
		return device.Thing{}, fmt.Errorf("%w: name %q", ErrExists, t.Name)
	}
	for _, o := range c.things {
		if o.SerialNumber == t.SerialNumber {
			return device.Thing{}, fmt.Errorf("%w: serial number %q", ErrExists, t.SerialNumber)
		}
	}
	t.Version = 1
	c.things[t.Name] = t
	c.dirty = true
	return t, nil
}

// Thing returns the thing named name.
func (c *IoT) Thing(ctx context.Context, name string) (device.Thing, error) {
	if err := ctx.Err(); err != nil {
		return device.Thing{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.things[name]
	if !ok {
		return device.Thing{}, fmt.Errorf("%w: thing %q", device.ErrNotFound, name)
	}
	return t, nil
}

// ThingBySerial returns the thing whose serial number is serial.
func (c *IoT) ThingBySerial(ctx context.Context, serial string) (device.Thing, error) {
	if err := ctx.Err(); err != nil {
		return device.Thing{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var found []device.Thing
	for _, t := range c.things {
		if t.SerialNumber == serial {
			found = append(found, t)
		}
	}
	switch len(found) {
	case 0:
		return device.Thing{}, fmt.Errorf("%w: serial number %q", device.ErrNotFound, serial)
	case 1:
		return found[0], nil
	}
	return device.Thing{}, fmt.Errorf("%w: %q", device.ErrDuplicateSerial, serial)
}

// ThingsByOwner returns the things owned by owner, sorted by serial number.
func (c *IoT) ThingsByOwner(ctx context.Context, owner string) ([]device.Thing, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if owner == "" {
		return nil, errors.New("memory: ThingsByOwner with an empty owner")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []device.Thing
	for _, t := range c.things {
		if t.Owner == owner {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b device.Thing) int { return strings.Compare(a.SerialNumber, b.SerialNumber) })
	return out, nil
}

// SetOwner sets the owner of the thing named name if its version is
// expectedVersion.
func (c *IoT) SetOwner(ctx context.Context, name, owner string, expectedVersion int64) (device.Thing, error) {
	if err := ctx.Err(); err != nil {
		return device.Thing{}, err
	}
	if owner != "" && !device.ValidUserID(owner) {
		return device.Thing{}, fmt.Errorf("memory: invalid owner %q", owner)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.things[name]
	if !ok {
		return device.Thing{}, fmt.Errorf("%w: thing %q", device.ErrNotFound, name)
	}
	if t.Version != expectedVersion {
		return device.Thing{}, fmt.Errorf("%w: thing %q is at version %d, not %d", device.ErrConflict, name, t.Version, expectedVersion)
	}
	t.Owner = owner
	t.Version++
	c.things[name] = t
	c.dirty = true
	return t, nil
}

// Get returns the shadow document of thingName, with its delta.
func (c *IoT) Get(ctx context.Context, thingName string) (*device.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.shadows[thingName]
	if !ok {
		return nil, fmt.Errorf("%w: no shadow for thing %q", device.ErrNotFound, thingName)
	}
	return s.document(), nil
}

// Update merges u into the shadow of thingName and publishes the result.
func (c *IoT) Update(ctx context.Context, thingName string, u *device.Update) (*device.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if u == nil {
		return nil, fmt.Errorf("%w: nil update", device.ErrInvalidUpdate)
	}
	b, err := json.Marshal(u)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", device.ErrInvalidUpdate, err)
	}
	req, err := parseUpdate(b)
	if err != nil {
		return nil, err
	}
	return c.apply(thingName, req)
}

// updateRequest is a decoded update: nil sections are absent; clear*
// means the section was null (delete it all).
type updateRequest struct {
	desired, reported           map[string]any
	clearDesired, clearReported bool
	version                     int64
	clientToken                 string
}

func parseUpdate(b []byte) (*updateRequest, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return nil, fmt.Errorf("%w: not a JSON object: %w", device.ErrInvalidUpdate, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data", device.ErrInvalidUpdate)
	}
	req := &updateRequest{}
	for k, v := range top {
		switch k {
		case "state":
		case "version":
			n, ok := v.(json.Number)
			ver, err := n.Int64()
			if !ok || err != nil || ver < 1 {
				return nil, fmt.Errorf("%w: version must be a positive integer", device.ErrInvalidUpdate)
			}
			req.version = ver
		case "clientToken":
			s, ok := v.(string)
			if !ok || len(s) > 64 {
				return nil, fmt.Errorf("%w: clientToken must be a string of at most 64 bytes", device.ErrInvalidUpdate)
			}
			req.clientToken = s
		default:
			return nil, fmt.Errorf("%w: unexpected member %q", device.ErrInvalidUpdate, k)
		}
	}
	state, ok := top["state"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: state must be an object", device.ErrInvalidUpdate)
	}
	for k, v := range state {
		var sec *map[string]any
		var clear *bool
		switch k {
		case "desired":
			sec, clear = &req.desired, &req.clearDesired
		case "reported":
			sec, clear = &req.reported, &req.clearReported
		default:
			return nil, fmt.Errorf("%w: state.%s cannot be updated; only desired and reported", device.ErrInvalidUpdate, k)
		}
		if v == nil {
			*clear = true
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: state.%s must be an object or null", device.ErrInvalidUpdate, k)
		}
		if d := depth(m); d > MaxDepth {
			return nil, fmt.Errorf("%w: state.%s is %d levels deep, at most %d allowed", device.ErrInvalidUpdate, k, d, MaxDepth)
		}
		*sec = m
	}
	if req.desired == nil && req.reported == nil && !req.clearDesired && !req.clearReported {
		return nil, fmt.Errorf("%w: state has neither desired nor reported", device.ErrInvalidUpdate)
	}
	return req, nil
}

func depth(v any) int {
	m, ok := v.(map[string]any)
	if !ok {
		return 0
	}
	d := 0
	for _, c := range m {
		d = max(d, depth(c))
	}
	return d + 1
}

// apply applies req to the shadow of thingName and publishes the accepted
// document and the delta.
func (c *IoT) apply(thingName string, req *updateRequest) (*device.Document, error) {
	if !device.ValidThingName(thingName) {
		return nil, fmt.Errorf("%w: invalid thing name %q", device.ErrInvalidUpdate, thingName)
	}
	c.mu.Lock()
	s, existed := c.shadows[thingName]
	if !existed {
		s = &shadow{desired: map[string]any{}, reported: map[string]any{}, metaDesired: map[string]any{}, metaReported: map[string]any{}}
	}
	if req.version != 0 && req.version != s.version {
		c.mu.Unlock()
		return nil, fmt.Errorf("%w: shadow of %q is at version %d, not %d", device.ErrConflict, thingName, s.version, req.version)
	}
	next := s.clone()
	ts := c.now().Unix()
	if req.clearDesired {
		next.desired, next.metaDesired = map[string]any{}, map[string]any{}
	}
	if req.clearReported {
		next.reported, next.metaReported = map[string]any{}, map[string]any{}
	}
	merge(next.desired, next.metaDesired, req.desired, ts)
	merge(next.reported, next.metaReported, req.reported, ts)
	size, err := json.Marshal(map[string]any{"desired": next.desired, "reported": next.reported})
	if err != nil || len(size) > MaxStateBytes {
		c.mu.Unlock()
		return nil, fmt.Errorf("%w: %w: the shadow state would exceed %d bytes", device.ErrInvalidUpdate, device.ErrTooLarge, MaxStateBytes)
	}
	next.version = s.version + 1
	next.timestamp = ts
	c.shadows[thingName] = next
	c.dirty = true

	accepted := &device.Document{Version: next.version, Timestamp: ts, ClientToken: req.clientToken}
	if req.desired != nil || req.clearDesired {
		accepted.State.Desired = toState(req.desired)
		if accepted.State.Desired == nil {
			accepted.State.Desired = device.State{}
		}
		accepted.Metadata.Desired = toState(stampTree(req.desired, ts))
	}
	if req.reported != nil || req.clearReported {
		accepted.State.Reported = toState(req.reported)
		if accepted.State.Reported == nil {
			accepted.State.Reported = device.State{}
		}
		accepted.Metadata.Reported = toState(stampTree(req.reported, ts))
	}
	var deltaMsg *device.DeltaMessage
	if req.desired != nil {
		// The delta message holds the keys of this update that still
		// differ from the reported state.
		if d := delta(restrict(next.desired, req.desired), next.reported); len(d) > 0 {
			deltaMsg = &device.DeltaMessage{
				State:       toState(d),
				Metadata:    toState(restrict(next.metaDesired, d)),
				Version:     next.version,
				Timestamp:   ts,
				ClientToken: req.clientToken,
			}
		}
	}
	// Publish under the lock so that the messages of successive updates
	// are queued in version order.
	c.bus.publish(device.AcceptedTopic(thingName), mustJSON(accepted))
	if deltaMsg != nil {
		c.bus.publish(device.DeltaTopic(thingName), mustJSON(deltaMsg))
	}
	c.mu.Unlock()
	return accepted, nil
}

func (s *shadow) clone() *shadow {
	return &shadow{
		desired: deepCopy(s.desired), reported: deepCopy(s.reported),
		metaDesired: deepCopy(s.metaDesired), metaReported: deepCopy(s.metaReported),
		version: s.version, timestamp: s.timestamp,
	}
}

// document returns the full document, with the delta.
func (s *shadow) document() *device.Document {
	d := &device.Document{Version: s.version, Timestamp: s.timestamp}
	d.State.Desired = toState(s.desired)
	d.State.Reported = toState(s.reported)
	d.Metadata.Desired = toState(s.metaDesired)
	d.Metadata.Reported = toState(s.metaReported)
	if dl := delta(s.desired, s.reported); len(dl) > 0 {
		d.State.Delta = toState(dl)
	}
	return d
}

// merge merges src into dst, stamping meta with ts; nil values delete.
func merge(dst, meta, src map[string]any, ts int64) {
	for k, v := range src {
		if v == nil {
			delete(dst, k)
			delete(meta, k)
			continue
		}
		if sm, ok := v.(map[string]any); ok {
			dm, ok := dst[k].(map[string]any)
			if !ok {
				dm = map[string]any{}
			}
			mm, ok := meta[k].(map[string]any)
			if !ok || isStamp(mm) {
				mm = map[string]any{}
			}
			merge(dm, mm, sm, ts)
			if len(dm) == 0 {
				delete(dst, k)
				delete(meta, k)
				continue
			}
			dst[k], meta[k] = dm, mm
			continue
		}
		dst[k] = v
		meta[k] = map[string]any{"timestamp": json.Number(fmt.Sprint(ts))}
	}
}

// isStamp reports whether a metadata value is a leaf {"timestamp": n}.
func isStamp(m map[string]any) bool {
	if len(m) != 1 {
		return false
	}
	_, ok := m["timestamp"].(json.Number)
	return ok
}

// stampTree returns the metadata of an update: its structure with every
// leaf (nulls included) replaced by {"timestamp": ts}.
func stampTree(m map[string]any, ts int64) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sm, ok := v.(map[string]any); ok {
			out[k] = stampTree(sm, ts)
			continue
		}
		out[k] = map[string]any{"timestamp": json.Number(fmt.Sprint(ts))}
	}
	return out
}

// delta returns the desired keys whose value differs from the reported one.
func delta(desired, reported map[string]any) map[string]any {
	out := map[string]any{}
	for k, dv := range desired {
		rv, ok := reported[k]
		if dm, isMap := dv.(map[string]any); isMap {
			if rm, ok := rv.(map[string]any); ok {
				if d := delta(dm, rm); len(d) > 0 {
					out[k] = d
				}
				continue
			}
		}
		if !ok || !equal(dv, rv) {
			out[k] = deepCopyValue(dv)
		}
	}
	return out
}

// restrict returns the part of meta whose keys are in shape.
func restrict(meta, shape map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range shape {
		mv, ok := meta[k]
		if !ok {
			continue
		}
		if sm, ok := v.(map[string]any); ok {
			if mm, ok := mv.(map[string]any); ok && !isStamp(mm) {
				out[k] = restrict(mm, sm)
				continue
			}
		}
		out[k] = deepCopyValue(mv)
	}
	return out
}

// equal compares decoded JSON values; numbers by value.
func equal(a, b any) bool {
	switch av := a.(type) {
	case json.Number:
		bv, ok := b.(json.Number)
		if !ok {
			return false
		}
		if av == bv {
			return true
		}
		af, err1 := av.Float64()
		bf, err2 := bv.Float64()
		return err1 == nil && err2 == nil && af == bf
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, v := range av {
			w, ok := bv[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !equal(av[i], bv[i]) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}

func deepCopy(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopyValue(v)
	}
	return out
}

func deepCopyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return deepCopy(x)
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = deepCopyValue(x[i])
		}
		return out
	default:
		return v
	}
}

// toState encodes each top-level value of m.
func toState(m map[string]any) device.State {
	if m == nil {
		return nil
	}
	s := make(device.State, len(m))
	for k, v := range m {
		s[k] = mustJSON(v)
	}
	return s
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil { // unreachable: values decoded from JSON re-encode
		panic("memory: encoding: " + err.Error())
	}
	return b
}

// Publish publishes payload on topic. A publication on a thing's shadow
// update topic is a shadow update from the device (answered on
// update/accepted or update/rejected); one on its shadow get topic asks for
// the document (answered on get/accepted or get/rejected). Other topics
// are plain publications.
func (c *IoT) Publish(ctx context.Context, topic string, payload []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if strings.ContainsAny(topic, "+#") || topic == "" {
		return fmt.Errorf("memory: cannot publish on topic %q", topic)
	}
	thing, ok := device.ThingNameFromTopic(topic)
	switch {
	case ok && topic == device.UpdateTopic(thing):
		req, err := parseUpdate(payload)
		if err == nil {
			_, err = c.apply(thing, req)
		}
		if err != nil {
			c.reject(thing, device.RejectedTopic(thing), err, clientTokenOf(payload))
		}
		return nil
	case ok && topic == getTopic(thing):
		c.mu.Lock()
		s, exists := c.shadows[thing]
		if exists {
			doc := s.document()
			doc.ClientToken = clientTokenOf(payload)
			c.bus.publish(getTopic(thing)+"/accepted", mustJSON(doc))
		}
		c.mu.Unlock()
		if !exists {
			c.reject(thing, getTopic(thing)+"/rejected", fmt.Errorf("%w: no shadow", device.ErrNotFound), clientTokenOf(payload))
		}
		return nil
	}
	c.bus.publish(topic, append([]byte(nil), payload...))
	return nil
}

// GetTopic is the topic a device publishes on to receive its shadow
// document on GetTopic + "/accepted".
func GetTopic(thing string) string { return getTopic(thing) }

func getTopic(thing string) string { return "$aws/things/" + thing + "/shadow/get" }

func (c *IoT) reject(thing, topic string, err error, clientToken string) {
	code := 400
	switch {
	case errors.Is(err, device.ErrConflict):
		code = 409
	case errors.Is(err, device.ErrNotFound):
		code = 404
	case errors.Is(err, device.ErrTooLarge):
		code = 413
	}
	c.bus.publish(topic, mustJSON(device.Rejection{Code: code, Message: err.Error(), ClientToken: clientToken, Timestamp: c.now().Unix()}))
}

func clientTokenOf(payload []byte) string {
	var v struct {
		ClientToken string `json:"clientToken"`
	}
	_ = json.Unmarshal(payload, &v)
	return v.ClientToken
}

// Subscribe delivers the messages published on topics matching filter.
func (c *IoT) Subscribe(filter string, handle func(ctx context.Context, m device.Message)) (func(), error) {
	if !validFilter(filter) {
		return nil, fmt.Errorf("memory: invalid topic filter %q", filter)
	}
	if handle == nil {
		return nil, errors.New("memory: nil handler")
	}
	return c.bus.subscribe(filter, handle)
}

// Drain waits until every message published so far, and every message
// those deliveries publish in turn, has been delivered; or until ctx ends.
func (c *IoT) Drain(ctx context.Context) error { return c.bus.drain(ctx) }

// Close drains the broker (see [IoT.Drain]) within ctx, stops every
// subscription, and saves the IoT to its file, if it has one.
func (c *IoT) Close(ctx context.Context) error {
	derr := c.bus.drain(ctx)
	c.bus.close()
	var serr error
	if c.path != "" {
		serr = c.Save()
	}
	return errors.Join(derr, serr)
}

// fileData is the file format.
type fileData struct {
	Version int                   `json:"version"`
	Things  []device.Thing        `json:"things"`
	Shadows map[string]fileShadow `json:"shadows"`
}

type fileShadow struct {
	Desired      map[string]any `json:"desired"`
	Reported     map[string]any `json:"reported"`
	MetaDesired  map[string]any `json:"metadataDesired"`
	MetaReported map[string]any `json:"metadataReported"`
	Version      int64          `json:"version"`
	Timestamp    int64          `json:"timestamp"`
}

// Save writes the registry and the shadows to the file of [WithFile]: to a
// temporary file in the same directory, synced, then renamed over the old
// one, so a crash leaves the old or the new state, never a mix.
func (c *IoT) Save() error {
	if c.path == "" {
		return errors.New("memory: Save without a file (use WithFile)")
	}
	c.mu.Lock()
	data := fileData{Version: 1, Shadows: make(map[string]fileShadow, len(c.shadows))}
	for _, name := range slices.Sorted(maps.Keys(c.things)) {
		data.Things = append(data.Things, c.things[name])
	}
	for name, s := range c.shadows {
		data.Shadows[name] = fileShadow{s.desired, s.reported, s.metaDesired, s.metaReported, s.version, s.timestamp}
	}
	b, err := json.MarshalIndent(data, "", "  ")
	c.dirty = false
	c.mu.Unlock()
	if err != nil {
		return fmt.Errorf("memory: encoding the state: %w", err)
	}
	if err := writeFileAtomic(c.path, b); err != nil {
		c.mu.Lock()
		c.dirty = true
		c.mu.Unlock()
		return err
	}
	return nil
}

// Dirty reports whether the state changed since it was loaded or saved.
func (c *IoT) Dirty() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dirty
}

func (c *IoT) load() error {
	b, err := os.ReadFile(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("memory: %w", err)
	}
	var data fileData
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&data); err != nil {
		return fmt.Errorf("memory: %s is not a device state file: %w", c.path, err)
	}
	if data.Version != 1 {
		return fmt.Errorf("memory: %s has format version %d, want 1", c.path, data.Version)
	}
	for _, t := range data.Things {
		if !device.ValidThingName(t.Name) || !device.ValidSerialNumber(t.SerialNumber) {
			return fmt.Errorf("memory: %s: invalid thing %q", c.path, t.Name)
		}
		c.things[t.Name] = t
	}
	for name, s := range data.Shadows {
		sh := &shadow{desired: s.Desired, reported: s.Reported, metaDesired: s.MetaDesired, metaReported: s.MetaReported, version: s.Version, timestamp: s.Timestamp}
		for _, m := range []*map[string]any{&sh.desired, &sh.reported, &sh.metaDesired, &sh.metaReported} {
			if *m == nil {
				*m = map[string]any{}
			}
		}
		c.shadows[name] = sh
	}
	return nil
}

func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("memory: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("memory: %w", err)
	}
	tmp := f.Name()
	_, werr := f.Write(b)
	if werr == nil {
		werr = f.Chmod(0o600)
	}
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("memory: writing %s: %w", path, werr)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
