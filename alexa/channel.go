package alexa

import (
	"context"
	"encoding/json"
	"fmt"
)

// NamespaceChannelController is the Alexa.ChannelController interface, for
// devices that tune to channels (televisions, set-top boxes): "Alexa,
// change the channel to 200", "Alexa, next channel". Its directives are
// [NameChangeChannel] and [NameSkipChannels]; its property is channel.
// See https://developer.amazon.com/docs/device-apis/alexa-channelcontroller.html.
const NamespaceChannelController Namespace = "Alexa.ChannelController"

// Alexa.ChannelController directives and property.
// See https://developer.amazon.com/docs/device-apis/alexa-channelcontroller.html.
const (
	NameChangeChannel Name         = "ChangeChannel"
	NameSkipChannels  Name         = "SkipChannels"
	PropertyChannel   PropertyName = "channel"
)

// Channel identifies a channel: by number, call sign, affiliate call sign
// or URI, at least one of them. It is the value of the channel property
// and the target of ChangeChannel.
// See https://developer.amazon.com/docs/device-apis/alexa-channelcontroller.html.
type Channel struct {
	Number            string `json:"number,omitempty"`
	CallSign          string `json:"callSign,omitempty"`
	AffiliateCallSign string `json:"affiliateCallSign,omitempty"`
	URI               string `json:"uri,omitempty"`
}

// Validate returns an INVALID_VALUE [*Error] unless c names the channel
// one way or another.
func (c Channel) Validate() error {
	if c.Number == "" && c.CallSign == "" && c.AffiliateCallSign == "" && c.URI == "" {
		return invalidValue("a channel needs a number, a callSign, an affiliateCallSign or a uri")
	}
	return nil
}

// ChannelMetadata describes the channel a customer asked for by name.
type ChannelMetadata struct {
	Name  string `json:"name,omitempty"`
	Image string `json:"image,omitempty"`
}

// ChangeChannelPayload is the payload of ChangeChannel. Alexa fills what it
// knows of the channel; a customer who named the channel ("change to
// PBS") may get only ChannelMetadata.Name.
// See https://developer.amazon.com/docs/device-apis/alexa-channelcontroller.html.
type ChangeChannelPayload struct {
	Channel         Channel          `json:"channel"`
	ChannelMetadata *ChannelMetadata `json:"channelMetadata,omitempty"`
}

// Validate returns an INVALID_VALUE [*Error] unless the payload names a
// channel, by the channel or by its metadata's name.
func (p ChangeChannelPayload) Validate() error {
	if p.ChannelMetadata != nil && p.ChannelMetadata.Name != "" {
		return nil
	}
	return p.Channel.Validate()
}

// SkipChannelsPayload is the payload of SkipChannels: how many channels
// to move, forward (positive) or back (negative).
// See https://developer.amazon.com/docs/device-apis/alexa-channelcontroller.html.
type SkipChannelsPayload struct {
	ChannelCount int `json:"channelCount"`
}

// UnmarshalJSON decodes the payload, requiring channelCount.
func (p *SkipChannelsPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "SkipChannels payload", "channelCount"); err != nil {
		return err
	}
	type plain SkipChannelsPayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] for a count of zero.
func (p SkipChannelsPayload) Validate() error {
	if p.ChannelCount == 0 {
		return invalidValue("SkipChannels with a channelCount of 0")
	}
	return nil
}

// ChannelControllerCapability returns the Alexa.ChannelController
// capability (version "3") reporting channel as r says.
// See https://developer.amazon.com/docs/device-apis/alexa-channelcontroller.html.
func ChannelControllerCapability(r Reporting) Capability {
	return NewCapability(NamespaceChannelController, "3", r, PropertyChannel)
}

// ChannelProperty returns the channel property. It fails, with an error
// wrapping [ErrInvalidValue], unless c names the channel ([Channel.Validate]).
// See https://developer.amazon.com/docs/device-apis/alexa-channelcontroller.html.
func ChannelProperty(c Channel) (Property, error) {
	if err := c.Validate(); err != nil {
		return Property{}, fmt.Errorf("%w: %s: %s", ErrInvalidValue, PropertyKey{Namespace: NamespaceChannelController, Name: PropertyChannel}, err.(*Error).Message)
	}
	v, err := json.Marshal(c)
	if err != nil {
		return Property{}, err
	}
	return Property{Namespace: NamespaceChannelController, Name: PropertyChannel, Value: v}, nil
}

// ChannelController is implemented by skills for Alexa.ChannelController.
// Each method gets the decoded, validated payload and answers with
// [Directive.Response] holding the endpoint's properties, channel
// included, or returns an error (an [*Error] for the customer to hear).
// See https://developer.amazon.com/docs/device-apis/alexa-channelcontroller.html.
type ChannelController interface {
	ChangeChannel(ctx context.Context, d *Directive, p ChangeChannelPayload) (*EventMessage, error)
	SkipChannels(ctx context.Context, d *Directive, p SkipChannelsPayload) (*EventMessage, error)
}

// HandleChannelController routes Alexa.ChannelController ChangeChannel and
// SkipChannels to c; a payload that does not decode is answered with
// INVALID_DIRECTIVE, one that names no channel (or skips none) with
// INVALID_VALUE. It panics if c is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-channelcontroller.html.
func (r *Router) HandleChannelController(c ChannelController) {
	if isNilHandler(c) {
		panic("alexa: nil ChannelController")
	}
	r.Handle(NamespaceChannelController, NameChangeChannel, HandlePayload(c.ChangeChannel))
	r.Handle(NamespaceChannelController, NameSkipChannels, HandlePayload(c.SkipChannels))
}
