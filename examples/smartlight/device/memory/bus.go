package memory

import (
	"context"
	"strings"
	"sync"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// bus is the broker's message delivery: each subscription has a queue and
// a goroutine delivering its messages in order, so publishing never blocks
// on a handler and never drops a message.
type bus struct {
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

func newBus() *bus {
	ctx, cancel := context.WithCancel(context.Background())
	return &bus{ctx: ctx, cancel: cancel, subs: make(map[*subscription]struct{}), idle: closedChan()}
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

func (b *bus) subscribe(filter string, handle func(context.Context, device.Message)) (func(), error) {
	s := &subscription{filter: filter, handle: handle, wake: make(chan struct{}, 1)}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, errClosed
	}
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	go b.run(s)
	var once sync.Once
	return func() { once.Do(func() { b.unsubscribe(s) }) }, nil
}

type closedError struct{}

func (closedError) Error() string { return "memory: broker closed" }

var errClosed error = closedError{}

func (b *bus) unsubscribe(s *subscription) {
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

// publish queues m for every matching subscription.
func (b *bus) publish(topic string, payload []byte) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	var targets []*subscription
	for s := range b.subs {
		if match(s.filter, topic) {
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

// done records that n messages were handled or dropped.
func (b *bus) done(n int) {
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

func (b *bus) run(s *subscription) {
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

func (b *bus) drain(ctx context.Context) error {
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

func (b *bus) close() {
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

// validFilter reports whether filter is an MQTT topic filter: '+' alone in
// a level, '#' alone in the last level.
func validFilter(filter string) bool {
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

// match reports whether topic matches filter.
func match(filter, topic string) bool {
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
