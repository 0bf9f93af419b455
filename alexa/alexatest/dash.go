package alexatest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/go-alexa/smarthome/alexa"
)

// DefaultReportsToOrder is how many consecutive reports at or below the
// threshold make Dash Replenishment place an order.
const DefaultReportsToOrder = 3

// DefaultMaxReportGap is the longest Dash Replenishment accepts between two
// reports of a slot's level.
const DefaultMaxReportGap = 24 * time.Hour

// DashSlotKey identifies one inventory slot of one customer's device: the
// user, the endpoint and the sensor instance.
type DashSlotKey struct {
	UserID, EndpointID, Instance string
}

// String returns "user/endpoint/instance".
func (k DashSlotKey) String() string { return k.UserID + "/" + k.EndpointID + "/" + k.Instance }

// DashConfig configures a [DashBrain].
type DashConfig struct {
	// Threshold is the default threshold: a level report whose value is at
	// or below it (in the slot's own measurement) counts as low. Zero means
	// only an empty slot is low. [DashBrain.SetThreshold] sets it per slot
	// or per instance.
	Threshold float64
	// ReportsToOrder is how many consecutive low reports place an order;
	// zero means [DefaultReportsToOrder].
	ReportsToOrder int
	// MaxGap is how long a slot may go unreported before
	// [DashBrain.Overdue] lists it; zero means [DefaultMaxReportGap].
	MaxGap time.Duration
	// Now, if set, is the time [DashBrain.Sync] records for the events it
	// observes (a fake clock in tests); nil means the time the gateway
	// answered them ([Record].Time).
	Now func() time.Time
	// OnOrder, if set, is called for each order, synchronously, after the
	// brain's lock is released (it may call the brain's methods).
	OnOrder func(DashOrder)
	// RequireReplenishmentID makes only slots whose replenishment id the
	// brain knows (from a discovery it was given or an AddOrUpdateReport it
	// observed) place orders, as the real Dash Replenishment does. By
	// default every level slot can order, so tests need not feed discovery.
	RequireReplenishmentID bool
}

// DashSlot is what a [DashBrain] knows of one slot.
type DashSlot struct {
	Key DashSlotKey
	// Interface is the slot's inventory interface, if known (from
	// discovery, or Alexa.InventoryLevelSensor once a level was reported).
	Interface alexa.Namespace
	// ReplenishmentID is the slot's Dash replenishment id, if the brain saw
	// it at discovery.
	ReplenishmentID string
	// Threshold is the threshold in force for the slot.
	Threshold float64
	// Level is the last reported level, Reports how many levels were
	// reported, LastReport when the last level or usage report came.
	Level      alexa.Level
	Reports    int
	LastReport time.Time
	// Since is when the brain first learnt of the slot (discovery or first
	// report).
	Since time.Time
	// Low counts the consecutive reports at or below the threshold since
	// the last report above it or the last order.
	Low int
	// Ordered reports that an order was placed and the level has not been
	// reported above the threshold since: no further order until it has.
	Ordered bool
	// Manual reports that the customer turned auto-reorder off for the
	// slot ([DashBrain.SetAutoReorder]): low levels are counted, no order
	// is placed.
	Manual bool
	// Orders counts the slot's orders.
	Orders int
	// Consumed sums the usage of the slot's InventoryConsumed events.
	Consumed float64
}

// DashOrder is an order the fake Dash Replenishment placed.
type DashOrder struct {
	// Seq numbers the brain's orders from 1.
	Seq             int
	Slot            DashSlotKey
	ReplenishmentID string
	// Level is the level of the report that placed the order, and
	// Threshold the threshold it was at or below.
	Level     alexa.Level
	Threshold float64
	// At is when the report that placed the order was observed.
	At time.Time
}

// DashBrain is a fake of the Dash Replenishment side of Alexa, for tests
// and local demos: it follows the level reports a skill sends and places
// an "order" as Alexa would, so a test can assert that the skill's
// reporting actually leads to replenishment, and flags slots not reported
// within 24 hours.
//
// It tracks every slot (user, endpointId, instance) of an
// Alexa.InventoryLevelSensor: each level in an observed ChangeReport (in
// payload.change or in the context), StateReport or Response counts as one
// report. A report at or below the slot's threshold increments the slot's
// count of consecutive low reports; a report above it resets the count.
// When the count reaches ReportsToOrder (3), the brain places an order and
// resets the count. It then places no further order for the slot until a
// report above the threshold has come (the slot was refilled) and the
// level has again been low for three consecutive reports. Repeated
// unchanged reports count: that is the point of the daily heartbeat.
// InventoryConsumed events are summed per slot ([DashSlot].Consumed) and
// count as reports for [DashBrain.Overdue], but place no orders: how
// Alexa turns usage into orders is not documented.
//
// Feed it with [DashBrain.Sync], which reads the events a [Server] accepted
// since the previous Sync, or with [DashBrain.Observe]. It also learns
// slots and replenishment ids from AddOrUpdateReports it observes and from
// [DashBrain.Discovered], forgets endpoints removed by DeleteReports, and
// ignores an event whose messageId it has already observed.
//
// A DashBrain is safe for concurrent use.
type DashBrain struct {
	cfg DashConfig

	syncMu   sync.Mutex // serializes Sync
	lastSeq  int
	accepted int // accepted events Sync has seen

	mu         sync.Mutex
	slots      map[DashSlotKey]*DashSlot
	thresholds map[DashSlotKey]float64
	manual     map[DashSlotKey]bool
	orders     []DashOrder
	seen       map[string]struct{}
}

// NewDashBrain returns a DashBrain configured by cfg.
func NewDashBrain(cfg DashConfig) *DashBrain {
	if cfg.ReportsToOrder <= 0 {
		cfg.ReportsToOrder = DefaultReportsToOrder
	}
	if cfg.MaxGap <= 0 {
		cfg.MaxGap = DefaultMaxReportGap
	}
	return &DashBrain{
		cfg:        cfg,
		slots:      make(map[DashSlotKey]*DashSlot),
		thresholds: make(map[DashSlotKey]float64),
		manual:     make(map[DashSlotKey]bool),
		seen:       make(map[string]struct{}),
	}
}

// SetThreshold sets the threshold of the slots k names. Empty UserID and
// EndpointID match every user and endpoint: SetThreshold(DashSlotKey{
// Instance: "InventoryLevelSensor-1"}, 20) sets 20 for that instance
// everywhere. An exact key wins over an instance-wide one, which wins over
// the default.
func (b *DashBrain) SetThreshold(k DashSlotKey, threshold float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.thresholds[k] = threshold
	for key, s := range b.slots {
		s.Threshold = b.threshold(key)
	}
}

// SetAutoReorder turns auto-reorder of the slot k on or off, as the
// customer does in the Alexa app's Supply section (on by default). While
// it is off, low levels are counted but no order is placed.
func (b *DashBrain) SetAutoReorder(k DashSlotKey, on bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.manual[k] = !on
	if s, ok := b.slots[k]; ok {
		s.Manual = !on
	}
}

// threshold returns the threshold of k. The caller holds b.mu.
func (b *DashBrain) threshold(k DashSlotKey) float64 {
	if t, ok := b.thresholds[k]; ok {
		return t
	}
	if t, ok := b.thresholds[DashSlotKey{Instance: k.Instance}]; ok {
		return t
	}
	return b.cfg.Threshold
}

// slot returns the slot of k, creating it at at. The caller holds b.mu.
func (b *DashBrain) slot(k DashSlotKey, at time.Time) *DashSlot {
	s, ok := b.slots[k]
	if !ok {
		s = &DashSlot{Key: k, Threshold: b.threshold(k), Since: at, Manual: b.manual[k]}
		b.slots[k] = s
	}
	return s
}

// Discovered records userID's discovered endpoints as of at: their
// inventory sensor slots and replenishment ids. Slots never reported
// become overdue MaxGap after at. Pass the endpoints given to
// [Server.Discovered].
func (b *DashBrain) Discovered(userID string, endpoints []alexa.DiscoveryEndpoint, at time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.discovered(userID, endpoints, at)
}

func (b *DashBrain) discovered(userID string, endpoints []alexa.DiscoveryEndpoint, at time.Time) {
	for _, e := range endpoints {
		for _, c := range e.Capabilities {
			switch c.Interface {
			case alexa.NamespaceInventoryLevelSensor, alexa.NamespaceInventoryUsageSensor, alexa.NamespaceInventoryLevelUsageSensor:
			default:
				continue
			}
			s := b.slot(DashSlotKey{UserID: userID, EndpointID: e.EndpointID, Instance: c.Instance}, at)
			s.Interface = c.Interface
			if cfg, err := alexa.InventoryConfigurationOf(c); err == nil && cfg.Replenishment != nil {
				s.ReplenishmentID = cfg.Replenishment.Value
			}
		}
	}
}

// Observe applies one event of userID, received at at: the inventory
// levels of a ChangeReport, StateReport or Response, the usage of an
// InventoryConsumed event, the slots of an AddOrUpdateReport or
// Discover.Response, the endpoints a DeleteReport removes. Other events,
// and an event whose messageId was already observed, are ignored. Give it
// only events the gateway accepted ([Server.Received]); Sync does.
func (b *DashBrain) Observe(userID string, m *alexa.EventMessage, at time.Time) {
	if m == nil {
		return
	}
	b.mu.Lock()
	orders := b.observe(userID, m, at)
	b.mu.Unlock()
	if b.cfg.OnOrder != nil {
		for _, o := range orders {
			b.cfg.OnOrder(o)
		}
	}
}

// observe applies m and returns the orders it placed. The caller holds b.mu.
func (b *DashBrain) observe(userID string, m *alexa.EventMessage, at time.Time) []DashOrder {
	h := m.Event.Header
	if id := h.MessageID; id != "" {
		if _, dup := b.seen[id]; dup {
			return nil
		}
		b.seen[id] = struct{}{}
	}
	endpointID := ""
	if m.Event.Endpoint != nil {
		endpointID = m.Event.Endpoint.EndpointID
	}
	var orders []DashOrder
	levels := func(props []alexa.Property) {
		for _, p := range props {
			if p.Namespace != alexa.NamespaceInventoryLevelSensor || p.Name != alexa.PropertyLevel || p.Instance == "" {
				continue
			}
			var l alexa.Level
			if json.Unmarshal(p.Value, &l) != nil {
				continue
			}
			if o, ok := b.report(DashSlotKey{UserID: userID, EndpointID: endpointID, Instance: p.Instance}, l, at); ok {
				orders = append(orders, o)
			}
		}
	}
	switch {
	case h.Namespace == alexa.NamespaceAlexa && h.Name == alexa.NameChangeReport:
		var p alexa.ChangeReportPayload
		if m.DecodePayload(&p) == nil {
			levels(p.Change.Properties)
		}
		levels(m.Properties())
	case h.Namespace == alexa.NamespaceAlexa && (h.Name == alexa.NameStateReport || h.Name == alexa.NameResponse):
		levels(m.Properties())
	case h.Name == alexa.NameInventoryConsumed && endpointID != "" && h.Instance != "":
		var p alexa.InventoryConsumedPayload
		if m.DecodePayload(&p) == nil {
			s := b.slot(DashSlotKey{UserID: userID, EndpointID: endpointID, Instance: h.Instance}, at)
			s.Interface = h.Namespace
			s.Consumed += p.Usage.Value
			s.LastReport = at
		}
	case h.Namespace == alexa.NamespaceDiscovery && (h.Name == alexa.NameAddOrUpdateReport || h.Name == alexa.NameDiscoverResponse):
		var p alexa.DiscoveryReportPayload
		if m.DecodePayload(&p) == nil {
			b.discovered(userID, p.Endpoints, at)
		}
	case h.Namespace == alexa.NamespaceDiscovery && h.Name == alexa.NameDeleteReport:
		var p alexa.DeleteReportPayload
		if m.DecodePayload(&p) == nil {
			for _, e := range p.Endpoints {
				for k := range b.slots {
					if k.UserID == userID && k.EndpointID == e.EndpointID {
						delete(b.slots, k)
					}
				}
			}
		}
	}
	return orders
}

// report applies one level report and returns the order it placed, if any.
// The caller holds b.mu.
func (b *DashBrain) report(k DashSlotKey, l alexa.Level, at time.Time) (DashOrder, bool) {
	s := b.slot(k, at)
	if s.Interface == "" {
		s.Interface = alexa.NamespaceInventoryLevelSensor
	}
	s.Level, s.LastReport = l, at
	s.Reports++
	if l.Value > s.Threshold {
		s.Low, s.Ordered = 0, false
		return DashOrder{}, false
	}
	if s.Ordered {
		return DashOrder{}, false
	}
	s.Low++
	if s.Low < b.cfg.ReportsToOrder || s.Manual || (b.cfg.RequireReplenishmentID && s.ReplenishmentID == "") {
		return DashOrder{}, false
	}
	s.Low, s.Ordered = 0, true
	s.Orders++
	o := DashOrder{Seq: len(b.orders) + 1, Slot: k, ReplenishmentID: s.ReplenishmentID, Level: l, Threshold: s.Threshold, At: at}
	b.orders = append(b.orders, o)
	return o, true
}

// Sync observes the events srv accepted since the previous Sync, in the
// order it accepted them, each as of the brain's Now (or the record's Time
// without one), and returns how many it observed. It returns an error if
// srv dropped accepted events before the brain could see them (a server
// created WithMaxRecords smaller than the events between two Syncs).
func (b *DashBrain) Sync(srv *Server) (int, error) {
	b.syncMu.Lock()
	defer b.syncMu.Unlock()
	total := srv.AcceptedCount() // before Received: every one of these is in it unless dropped
	n := 0
	for _, r := range srv.Received() {
		if r.Seq <= b.lastSeq {
			continue
		}
		b.lastSeq = r.Seq
		n++
		if r.Message == nil {
			continue
		}
		at := r.Time
		if b.cfg.Now != nil {
			at = b.cfg.Now()
		}
		b.Observe(r.UserID, r.Message, at)
	}
	b.accepted += n
	if missed := total - b.accepted; missed > 0 {
		b.accepted = total
		return n, fmt.Errorf("alexatest: DashBrain.Sync: the server dropped %d accepted events before the brain saw them (WithMaxRecords too small)", missed)
	}
	return n, nil
}

// Orders returns the orders placed so far, in order.
func (b *DashBrain) Orders() []DashOrder {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.orders)
}

// Slot returns what the brain knows of slot k.
func (b *DashBrain) Slot(k DashSlotKey) (DashSlot, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, ok := b.slots[k]
	if !ok {
		return DashSlot{}, false
	}
	return *s, true
}

// Slots returns every slot the brain knows, sorted by key.
func (b *DashBrain) Slots() []DashSlot {
	return b.list(func(*DashSlot) bool { return true })
}

// Overdue returns the slots not reported for more than MaxGap (24 hours)
// before now, sorted by key: reported slots whose last report is older,
// and slots known from discovery for longer that were never reported.
func (b *DashBrain) Overdue(now time.Time) []DashSlot {
	return b.list(func(s *DashSlot) bool {
		last := s.LastReport
		if last.IsZero() {
			last = s.Since
		}
		return now.Sub(last) > b.cfg.MaxGap
	})
}

func (b *DashBrain) list(keep func(*DashSlot) bool) []DashSlot {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []DashSlot
	for _, s := range b.slots {
		if keep(s) {
			out = append(out, *s)
		}
	}
	slices.SortFunc(out, func(x, y DashSlot) int {
		return cmp.Or(cmp.Compare(x.Key.UserID, y.Key.UserID), cmp.Compare(x.Key.EndpointID, y.Key.EndpointID), cmp.Compare(x.Key.Instance, y.Key.Instance))
	})
	return out
}
