package alexa

import (
	"context"
	"encoding/json"
)

// NamespaceRemoteVideoPlayer is the Alexa.RemoteVideoPlayer interface
// (version 3), for devices that search for and play video content:
// "Alexa, watch Star Wars", "Alexa, search for James Bond". Its
// directives are [NameSearchAndPlay] and [NameSearchAndDisplayResults],
// each answered with an Alexa.Response; it has no reportable properties.
// Version 3.1 (catalogs declared at discovery) is not modelled.
//
// The payload (entities, each with a type, a value, external ids and a
// URI, and a timeWindow) was confirmed from the interface's version 3
// documentation and the Entity Type Reference; members Alexa sends that
// are not modelled (entityMetadata, the Fire TV video skill's experience
// and searchText, ...) are accepted and ignored.
// See https://developer.amazon.com/docs/device-apis/alexa-remotevideoplayer-v3.html
// and https://developer.amazon.com/docs/video/entity-types-for-video-content.html.
const NamespaceRemoteVideoPlayer Namespace = "Alexa.RemoteVideoPlayer"

// Alexa.RemoteVideoPlayer directives.
// See https://developer.amazon.com/docs/device-apis/alexa-remotevideoplayer-v3.html.
const (
	NameSearchAndPlay           Name = "SearchAndPlay"
	NameSearchAndDisplayResults Name = "SearchAndDisplayResults"
)

// VideoEntityType is the type of a [VideoEntity]. Alexa may send types
// beyond the constants below; they reach the handler as they come.
// See https://developer.amazon.com/docs/video/entity-types-for-video-content.html.
type VideoEntityType string

// Video entity types of the Entity Type Reference (the rows whose names
// could be read; the reference also describes popularity and production
// company entities, whose type names were not captured).
// See https://developer.amazon.com/docs/video/entity-types-for-video-content.html.
const (
	EntityActor      VideoEntityType = "Actor"
	EntityApp        VideoEntityType = "App"
	EntityChannel    VideoEntityType = "Channel"
	EntityCharacter  VideoEntityType = "Character"
	EntityDirector   VideoEntityType = "Director"
	EntityEpisode    VideoEntityType = "Episode"
	EntityEvent      VideoEntityType = "Event"
	EntityFranchise  VideoEntityType = "Franchise"
	EntityGenre      VideoEntityType = "Genre"
	EntityLeague     VideoEntityType = "League"
	EntityMediaType  VideoEntityType = "MediaType"
	EntitySeason     VideoEntityType = "Season"
	EntitySport      VideoEntityType = "Sport"
	EntitySportsTeam VideoEntityType = "SportsTeam"
	EntityVideo      VideoEntityType = "Video"
)

// Values of a MediaType entity.
// See https://developer.amazon.com/docs/video/entity-types-for-video-content.html.
const (
	MediaTypeMovie  = "MOVIE"
	MediaTypeVideo  = "VIDEO"
	MediaTypeTVShow = "TV_SHOW"
)

// VideoEntity is an item of a search directive's entities: what the
// customer asked for, resolved against Amazon's catalogs.
// See https://developer.amazon.com/docs/video/entity-types-for-video-content.html.
type VideoEntity struct {
	Type VideoEntityType `json:"type"`
	// Value is the entity's name ("Manchester by the Sea", "Comedy") or,
	// for Season and Episode, its number.
	Value string `json:"value"`
	// ExternalIDs maps a provider (gracenote, ASIN, imdb, ...) to the
	// entity's id in its database.
	ExternalIDs map[string]string `json:"externalIds,omitempty"`
	// URI, when set, identifies the entity (a channel's, say).
	URI string `json:"uri,omitempty"`
}

// TimeWindow is the time range of the content the customer asked for.
// See https://developer.amazon.com/docs/device-apis/alexa-remotevideoplayer-v3.html.
type TimeWindow struct {
	Start Time `json:"start"`
	End   Time `json:"end"`
}

// VideoSearchPayload is the payload of SearchAndPlay and
// SearchAndDisplayResults.
// See https://developer.amazon.com/docs/device-apis/alexa-remotevideoplayer-v3.html.
type VideoSearchPayload struct {
	Entities   []VideoEntity `json:"entities,omitempty"`
	TimeWindow *TimeWindow   `json:"timeWindow,omitempty"`
}

// UnmarshalJSON decodes the payload; a timeWindow, when present, needs
// start and end.
func (p *VideoSearchPayload) UnmarshalJSON(b []byte) error {
	type plain VideoSearchPayload
	var raw struct {
		TimeWindow json.RawMessage `json:"timeWindow"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if len(raw.TimeWindow) > 0 && string(raw.TimeWindow) != "null" {
		if err := requireMembers(raw.TimeWindow, "timeWindow", "start", "end"); err != nil {
			return err
		}
	}
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] if an entity lacks a type or
// a value, or the time window ends before it starts.
func (p VideoSearchPayload) Validate() error {
	for i, e := range p.Entities {
		if e.Type == "" || e.Value == "" {
			return invalidValue("entities[%d] needs a type and a value", i)
		}
	}
	if w := p.TimeWindow; w != nil && w.End.Before(w.Start.Time) {
		return invalidValue("timeWindow ends before it starts")
	}
	return nil
}

// RemoteVideoPlayerCapability returns the Alexa.RemoteVideoPlayer
// capability, version "3", without properties.
// See https://developer.amazon.com/docs/device-apis/alexa-remotevideoplayer-v3.html.
func RemoteVideoPlayerCapability() Capability {
	return NewCapability(NamespaceRemoteVideoPlayer, "3", Reporting{})
}

// RemoteVideoPlayer is implemented by skills whose endpoints search for
// and play video. SearchAndPlay plays the best match of the entities (or
// shows results when nothing matches); SearchAndDisplayResults shows the
// results. Each gets the decoded, validated payload and answers with
// [Directive.Response], or returns an error (an [*Error] for the customer
// to hear).
// See https://developer.amazon.com/docs/device-apis/alexa-remotevideoplayer-v3.html.
type RemoteVideoPlayer interface {
	SearchAndPlay(ctx context.Context, d *Directive, p VideoSearchPayload) (*EventMessage, error)
	SearchAndDisplayResults(ctx context.Context, d *Directive, p VideoSearchPayload) (*EventMessage, error)
}

// HandleRemoteVideoPlayer routes Alexa.RemoteVideoPlayer SearchAndPlay
// and SearchAndDisplayResults to p. A payload that does not decode is
// answered with INVALID_DIRECTIVE, an entity without type or value, or a
// reversed time window, with INVALID_VALUE. It panics if p is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-remotevideoplayer-v3.html.
func (r *Router) HandleRemoteVideoPlayer(p RemoteVideoPlayer) {
	if isNilHandler(p) {
		panic("alexa: nil RemoteVideoPlayer")
	}
	r.Handle(NamespaceRemoteVideoPlayer, NameSearchAndPlay, HandlePayload(p.SearchAndPlay))
	r.Handle(NamespaceRemoteVideoPlayer, NameSearchAndDisplayResults, HandlePayload(p.SearchAndDisplayResults))
}
