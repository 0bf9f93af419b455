package alexa

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// NamespaceRemoteVideoPlayer is the Alexa.RemoteVideoPlayer interface
// (version 3, or 3.1 with the catalogs the skill searches declared at
// discovery; see [RemoteVideoPlayerCapability]), for devices that search
// for and play video content: "Alexa, watch Star Wars", "Alexa, search
// for James Bond". Its directives are [NameSearchAndPlay] and
// [NameSearchAndDisplayResults], each answered with an Alexa.Response; it
// has no reportable properties.
//
// The payload (entities, each with a type, a value, external ids and a
// URI, and a timeWindow) was confirmed from the interface's version 3
// documentation and the Entity Type Reference, its searchText from
// Amazon's AVS Device SDK, which implements version 3.1; members Alexa
// sends that are not modelled (entityMetadata, the Fire TV video skill's
// experience, ...) are accepted and ignored.
// See https://developer.amazon.com/docs/device-apis/alexa-remotevideoplayer.html,
// https://developer.amazon.com/docs/device-apis/alexa-remotevideoplayer-v3.html
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

// VideoSearchText is the text of the customer's request, as Alexa
// transcribed it. Alexa may send a search without it.
type VideoSearchText struct {
	Transcribed string `json:"transcribed,omitempty"`
}

// VideoSearchPayload is the payload of SearchAndPlay and
// SearchAndDisplayResults.
// See https://developer.amazon.com/docs/device-apis/alexa-remotevideoplayer-v3.html.
type VideoSearchPayload struct {
	Entities   []VideoEntity `json:"entities,omitempty"`
	TimeWindow *TimeWindow   `json:"timeWindow,omitempty"`
	// SearchText, when Alexa sends it, is the request as the customer
	// said it ("play the new Star Wars movie"): a member of version 3.1
	// that Amazon's AVS Device SDK reads.
	SearchText *VideoSearchText `json:"searchText,omitempty"`
}

// UnmarshalJSON decodes the payload; a timeWindow, when present, needs
// start and end. A searchText that is not an object, or whose transcribed
// is not a string, is left out (SearchText nil) rather than refused: the
// search does not depend on it. An object without transcribed gives an
// empty SearchText.
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
	var v struct {
		*plain
		SearchText json.RawMessage `json:"searchText"` // shadows plain's
	}
	v.plain = (*plain)(p)
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	p.SearchText = nil
	var text VideoSearchText
	if len(v.SearchText) > 0 && v.SearchText[0] == '{' && json.Unmarshal(v.SearchText, &text) == nil {
		p.SearchText = &text
	}
	return nil
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

// VideoCatalogType is the kind of a [VideoCatalog].
type VideoCatalogType string

// Video catalog types of Alexa.RemoteVideoPlayer 3.1.
const (
	// VideoIngestionCatalog is a private catalog: the one the skill's
	// provider ingested into Amazon's catalog, whose SourceID is the
	// partner id used for the ingestion.
	VideoIngestionCatalog VideoCatalogType = "VIDEO_INGESTION_IDENTIFIER"
	// VideoPublicCatalog is a public catalog, e.g. SourceID "imdb".
	VideoPublicCatalog VideoCatalogType = "VIDEO_PUBLIC_CATALOG_IDENTIFIER"
)

// VideoCatalog is a catalog of video content a skill searches, declared
// in its Alexa.RemoteVideoPlayer 3.1 capability.
type VideoCatalog struct {
	Type VideoCatalogType `json:"type"`
	// SourceID identifies the catalog: for a private catalog, the partner
	// id of its ingestion; for a public one, its name ("imdb").
	SourceID string `json:"sourceId"`
}

// RemoteVideoPlayerConfiguration is the discovery configuration of
// Alexa.RemoteVideoPlayer version 3.1. Its zero value declares version 3,
// whose catalog the skill identifies in its manifest instead.
//
// Amazon's interface page says that version 3.1 declares the public and
// private catalogs the skill supports in the discovery response, but the
// members could not be read from it: they are those of Amazon's AVS
// Device SDK, which implements version 3.1 (configurations, in the
// plural, with catalogs of a type and a sourceId, the operations and the
// entity types).
// See https://developer.amazon.com/docs/device-apis/alexa-remotevideoplayer.html.
type RemoteVideoPlayerConfiguration struct {
	// Catalogs are the catalogs the skill searches; version 3.1 needs at
	// least one.
	Catalogs []VideoCatalog
	// Operations are the directives the skill supports, among
	// SearchAndPlay and SearchAndDisplayResults; none means both.
	Operations []Name
	// EntityTypes are the entity types the skill supports; none leaves
	// them undeclared.
	EntityTypes []VideoEntityType
}

// RemoteVideoPlayerCapability returns the Alexa.RemoteVideoPlayer
// capability, without properties: version "3" for the zero cfg, version
// "3.1" with cfg as its configurations (a member in the plural, kept in
// [Capability.Unknown]) otherwise. It fails if cfg declares operations or
// entity types without a catalog, a catalog without a known type or a
// sourceId, or lists a catalog, operation or entity type twice or an
// operation other than SearchAndPlay and SearchAndDisplayResults.
// See https://developer.amazon.com/docs/device-apis/alexa-remotevideoplayer.html.
func RemoteVideoPlayerCapability(cfg RemoteVideoPlayerConfiguration) (Capability, error) {
	if len(cfg.Catalogs) == 0 && len(cfg.Operations) == 0 && len(cfg.EntityTypes) == 0 {
		return NewCapability(NamespaceRemoteVideoPlayer, "3", Reporting{}), nil
	}
	fail := func(format string, args ...any) (Capability, error) {
		return Capability{}, capabilityError(NamespaceRemoteVideoPlayer, "", fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...))
	}
	if len(cfg.Catalogs) == 0 {
		return fail("version 3.1 declares at least one catalog")
	}
	for i, c := range cfg.Catalogs {
		if c.Type != VideoIngestionCatalog && c.Type != VideoPublicCatalog {
			return fail("catalogs[%d]: type %q is not VIDEO_INGESTION_IDENTIFIER or VIDEO_PUBLIC_CATALOG_IDENTIFIER", i, c.Type)
		}
		if c.SourceID == "" {
			return fail("catalogs[%d]: no sourceId", i)
		}
		if slices.Contains(cfg.Catalogs[:i], c) {
			return fail("catalogs[%d] listed twice", i)
		}
	}
	for i, op := range cfg.Operations {
		if op != NameSearchAndPlay && op != NameSearchAndDisplayResults {
			return fail("operations[%d]: %q is not SearchAndPlay or SearchAndDisplayResults", i, op)
		}
		if slices.Contains(cfg.Operations[:i], op) {
			return fail("operations[%d] listed twice", i)
		}
	}
	for i, t := range cfg.EntityTypes {
		if t == "" || slices.Contains(cfg.EntityTypes[:i], t) {
			return fail("entityTypes[%d] is empty or listed twice", i)
		}
	}
	c := NewCapability(NamespaceRemoteVideoPlayer, "3.1", Reporting{})
	c.Unknown = Unknown{"configurations": mustJSON(struct {
		Catalogs    []VideoCatalog    `json:"catalogs"`
		Operations  []Name            `json:"operations,omitempty"`
		EntityTypes []VideoEntityType `json:"entityTypes,omitempty"`
	}{cfg.Catalogs, cfg.Operations, cfg.EntityTypes})}
	return c, nil
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
