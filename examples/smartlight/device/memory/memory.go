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
	"errors"
	"sync"
	"time"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/internal/bus"
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
	deleted map[string]int64 // the last version of deleted shadows
	dirty   bool

	bus *bus.Bus
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
		deleted: make(map[string]int64),
	}
	for _, o := range opts {
		o(c)
	}
	c.bus = bus.New()
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
