package alexa

import (
	"context"
	"fmt"
	"slices"
)

// NamespacePlaybackController is the Alexa.PlaybackController interface,
// for devices that play media: "Alexa, pause", "Alexa, next". Each
// operation is a directive of the same name, without payload; the
// capability declares the operations the device supports
// ([PlaybackControllerCapability]).
// See https://developer.amazon.com/docs/device-apis/alexa-playbackcontroller.html.
const NamespacePlaybackController Namespace = "Alexa.PlaybackController"

// PlaybackOperation is an Alexa.PlaybackController operation, and the name
// of its directive.
// See https://developer.amazon.com/docs/device-apis/alexa-playbackcontroller.html.
type PlaybackOperation string

// Playback operations.
// See https://developer.amazon.com/docs/device-apis/alexa-playbackcontroller.html.
const (
	PlaybackPlay        PlaybackOperation = "Play"
	PlaybackPause       PlaybackOperation = "Pause"
	PlaybackStop        PlaybackOperation = "Stop"
	PlaybackStartOver   PlaybackOperation = "StartOver"
	PlaybackPrevious    PlaybackOperation = "Previous"
	PlaybackNext        PlaybackOperation = "Next"
	PlaybackRewind      PlaybackOperation = "Rewind"
	PlaybackFastForward PlaybackOperation = "FastForward"
)

// PlaybackOperations returns every playback operation, in the
// documentation's order.
func PlaybackOperations() []PlaybackOperation {
	return []PlaybackOperation{PlaybackPlay, PlaybackPause, PlaybackStop, PlaybackStartOver, PlaybackPrevious, PlaybackNext, PlaybackRewind, PlaybackFastForward}
}

// PlaybackControllerCapability returns the Alexa.PlaybackController
// capability (version "3") declaring ops, the operations the device
// supports (none: all of them).
// See https://developer.amazon.com/docs/device-apis/alexa-playbackcontroller.html.
func PlaybackControllerCapability(ops ...PlaybackOperation) Capability {
	if len(ops) == 0 {
		ops = PlaybackOperations()
	}
	c := NewCapability(NamespacePlaybackController, "3", Reporting{})
	c.SupportedOperations = slices.Clone(ops)
	return c
}

// PlaybackController is implemented by skills for
// Alexa.PlaybackController. Playback gets the operation the directive
// asks for (its name) and answers with [Directive.Response] holding the
// endpoint's properties, or returns an error (an [*Error] for the customer
// to hear; NOT_SUPPORTED_IN_CURRENT_MODE, say, to pause what is not
// playing).
// See https://developer.amazon.com/docs/device-apis/alexa-playbackcontroller.html.
type PlaybackController interface {
	Playback(ctx context.Context, d *Directive, op PlaybackOperation) (*EventMessage, error)
}

// PlaybackControllerFunc adapts a function to [PlaybackController].
type PlaybackControllerFunc func(ctx context.Context, d *Directive, op PlaybackOperation) (*EventMessage, error)

// Playback calls f(ctx, d, op).
func (f PlaybackControllerFunc) Playback(ctx context.Context, d *Directive, op PlaybackOperation) (*EventMessage, error) {
	return f(ctx, d, op)
}

// HandlePlaybackController routes the Alexa.PlaybackController directives
// of ops (none: every operation) to c; the others are answered
// INVALID_DIRECTIVE, as the capability should declare only ops. It panics
// if c is nil or an op is not a playback operation.
// See https://developer.amazon.com/docs/device-apis/alexa-playbackcontroller.html.
func (r *Router) HandlePlaybackController(c PlaybackController, ops ...PlaybackOperation) {
	if isNilHandler(c) {
		panic("alexa: nil PlaybackController")
	}
	all := PlaybackOperations()
	if len(ops) == 0 {
		ops = all
	}
	for _, op := range ops {
		if !slices.Contains(all, op) {
			panic(fmt.Sprintf("alexa: HandlePlaybackController: %q is not a playback operation", op))
		}
		r.HandleFunc(NamespacePlaybackController, Name(op), func(ctx context.Context, d *Directive) (*EventMessage, error) {
			return c.Playback(ctx, d, op)
		})
	}
}
