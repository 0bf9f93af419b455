// Package bus delivers MQTT-style messages to subscriptions inside a
// process: each subscription has its own queue and goroutine, so messages
// reach it in the order they were published, one at a time, a publisher
// never blocks on a handler and no message is dropped. The in-memory
// device cloud (package memory) is built on it, and so is the MQTT client
// (package mqtt), which hands it what the broker delivers.
package bus

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// Bus delivers published messages to the matching subscriptions. It is
// safe for concurrent use. Close it to stop its goroutines.
type Bus struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	subs    map[*subscription]struct{}
	pending int           // messages queued or being handled
	idle    chan struct{} // closed when pending drops to 0; replaced after
	closed  bool
}

type subscription struct {
	filter string
	handle func(context.Context, device.Message)

	mu      sync.Mutex
	queue   []device.Message
	wake    chan struct{}
	stopped bool
}

// New returns an empty bus.
func New() *Bus {
	ctx, cancel := context.WithCancel(context.Background())
	return &Bus{ctx: ctx, cancel: cancel, subs: make(map[*subscription]struct{}), idle: closedChan()}
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// Subscribe calls handle with every message published from now on whose
// topic matches filter, in order, one at a time, with a context that ends
// when the bus is closed. The filter must be valid ([ValidFilter]).
// unsubscribe stops the delivery and drops what is queued.
func (b *Bus) Subscribe(filter string, handle func(context.Context, device.Message)) (func(), error) {
	if !ValidFilter(filter) {
		return nil, fmt.Errorf("bus: invalid topic filter %q", filter)
	}
	if handle == nil {
		return nil, errors.New("bus: nil handler")
	}
	s := &subscription{filter: filter, handle: handle, wake: make(chan struct{}, 1)}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, ErrClosed
	}
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	go b.run(s)
	var once sync.Once
	return func() { once.Do(func() { b.unsubscribe(s) }) }, nil
}

// ErrClosed is returned by [Bus.Subscribe] once the bus is closed.
var ErrClosed = errors.New("bus: closed")

func (b *Bus) unsubscribe(s *subscription) {
	b.mu.Lock()
	delete(b.subs, s)
	b.mu.Unlock()
	s.mu.Lock()
	dropped := len(s.queue)
	s.queue = nil
	s.stopped = true
	s.mu.Unlock()
	b.done(dropped)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Publish queues a message for every matching subscription; payload
// is not copied. It never blocks on a handler. After Close it does nothing.
func (b *Bus) Publish(topic string, payload []byte) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	var targets []*subscription
	for s := range b.subs {
		if Match(s.filter, topic) {
			targets = append(targets, s)
		}
	}
	if len(targets) > 0 && b.pending == 0 {
		b.idle = make(chan struct{})
	}
	b.pending += len(targets)
	b.mu.Unlock()
	for _, s := range targets {
		s.mu.Lock()
		if s.stopped {
			s.mu.Unlock()
			b.done(1)
			continue
		}
		s.queue = append(s.queue, device.Message{Topic: topic, Payload: payload})
		s.mu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// Subscribed reports whether a subscription matches topic (to skip
// building a message nobody would receive).
func (b *Bus) Subscribed(topic string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		if Match(s.filter, topic) {
			return true
		}
	}
	return false
}

// done records that n messages were handled or dropped.
func (b *Bus) done(n int) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	b.pending -= n
	if b.pending == 0 {
		close(b.idle)
	}
	b.mu.Unlock()
}

func (b *Bus) run(s *subscription) {
	for {
		s.mu.Lock()
		if s.stopped {
			s.mu.Unlock()
			return
		}
		if len(s.queue) == 0 {
			s.mu.Unlock()
			select {
			case <-s.wake:
				continue
			case <-b.ctx.Done():
				return
			}
		}
		m := s.queue[0]
		s.queue = s.queue[1:]
		s.mu.Unlock()
		s.handle(b.ctx, m)
		b.done(1)
	}
}

// Drain waits until every message published so far, and every message
// those deliveries publish in turn, has been delivered; or until ctx ends.
func (b *Bus) Drain(ctx context.Context) error {
	b.mu.Lock()
	idle := b.idle
	b.mu.Unlock()
	for {
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
		b.mu.Lock()
		if b.pending == 0 {
			b.mu.Unlock()
			return nil
		}
		idle = b.idle
		b.mu.Unlock()
	}
}

// Close stops every subscription, dropping what is queued, and ends the
// context of the handlers.
func (b *Bus) Close() {
	b.mu.Lock()
	b.closed = true
	subs := make([]*subscription, 0, len(b.subs))
	for s := range b.subs {
		subs = append(subs, s)
	}
	b.mu.Unlock()
	for _, s := range subs {
		b.unsubscribe(s)
	}
	b.cancel()
}

// ValidFilter reports whether filter is an MQTT topic filter: '+' alone in
// a level, '#' alone in the last level.
func ValidFilter(filter string) bool {
	if filter == "" {
		return false
	}
	levels := strings.Split(filter, "/")
	for i, l := range levels {
		if strings.Contains(l, "#") && (l != "#" || i != len(levels)-1) {
			return false
		}
		if strings.Contains(l, "+") && l != "+" {
			return false
		}
	}
	return true
}

// Match reports whether topic matches filter.
func Match(filter, topic string) bool {
	// Wildcards in the first level do not match $-topics (MQTT 4.7.2).
	if strings.HasPrefix(topic, "$") && (strings.HasPrefix(filter, "+") || strings.HasPrefix(filter, "#")) {
		return false
	}
	fl := strings.Split(filter, "/")
	tl := strings.Split(topic, "/")
	for i, f := range fl {
		if f == "#" {
			return true
		}
		if i >= len(tl) {
			return false
		}
		if f != "+" && f != tl[i] {
			return false
		}
	}
	return len(fl) == len(tl)
}
