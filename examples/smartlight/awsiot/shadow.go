package awsiot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	iottypes "github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"
	dptypes "github.com/aws/aws-sdk-go-v2/service/iotdataplane/types"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// ShadowAPI is the part of the AWS IoT data-plane client the [Shadow]
// uses; an *iotdataplane.Client implements it.
type ShadowAPI interface {
	GetThingShadow(ctx context.Context, in *iotdataplane.GetThingShadowInput, optFns ...func(*iotdataplane.Options)) (*iotdataplane.GetThingShadowOutput, error)
	UpdateThingShadow(ctx context.Context, in *iotdataplane.UpdateThingShadowInput, optFns ...func(*iotdataplane.Options)) (*iotdataplane.UpdateThingShadowOutput, error)
}

// Shadow is a [device.Shadow] on the classic (unnamed) shadows of the AWS
// IoT data plane. It is safe for concurrent use.
type Shadow struct {
	client ShadowAPI
}

var _ device.Shadow = (*Shadow)(nil)

// NewShadow returns a Shadow that calls client, which must be configured
// with the account's data endpoint (see [NewShadowFromConfig]).
func NewShadow(client ShadowAPI) *Shadow { return &Shadow{client: client} }

// NewShadowFromConfig returns a Shadow on an *iotdataplane.Client made from
// cfg for the account's IoT data endpoint: a host name such as
// "a1b2c3-ats.iot.eu-west-1.amazonaws.com" (what `aws iot
// describe-endpoint --endpoint-type iot:Data-ATS` and [DataEndpoint]
// return) or an https URL.
func NewShadowFromConfig(cfg aws.Config, endpoint string, optFns ...func(*iotdataplane.Options)) (*Shadow, error) {
	u, err := endpointURL(endpoint)
	if err != nil {
		return nil, err
	}
	opts := append([]func(*iotdataplane.Options){func(o *iotdataplane.Options) { o.BaseEndpoint = aws.String(u) }}, optFns...)
	return NewShadow(iotdataplane.NewFromConfig(cfg, opts...)), nil
}

// endpointURL turns a data endpoint host into its https URL.
func endpointURL(endpoint string) (string, error) {
	if endpoint == "" {
		return "", errors.New("awsiot: the IoT data endpoint is empty")
	}
	if !strings.Contains(endpoint, "://") {
		endpoint = "https://" + endpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("awsiot: the IoT data endpoint %q is not a host name or http(s) URL", endpoint)
	}
	return u.String(), nil
}

// Get returns the thing's shadow document (GetThingShadow), with its
// delta; [device.ErrNotFound] if the thing has no shadow.
func (s *Shadow) Get(ctx context.Context, thingName string) (*device.Document, error) {
	if !device.ValidThingName(thingName) {
		return nil, fmt.Errorf("awsiot: shadow of %q: %w (not a valid thing name)", thingName, device.ErrNotFound)
	}
	out, err := s.client.GetThingShadow(ctx, &iotdataplane.GetThingShadowInput{ThingName: aws.String(thingName)})
	if err != nil {
		return nil, wrap("reading the shadow of thing", thingName, err)
	}
	var doc device.Document
	if err := json.Unmarshal(out.Payload, &doc); err != nil {
		return nil, fmt.Errorf("awsiot: the shadow of thing %q is not a shadow document: %w", thingName, err)
	}
	return &doc, nil
}

// Update merges u into the thing's shadow (UpdateThingShadow) and returns
// the accepted document. u is encoded with encoding/json; a non-zero
// u.Version makes the update conditional ([device.ErrConflict] when the
// shadow is at another version).
func (s *Shadow) Update(ctx context.Context, thingName string, u *device.Update) (*device.Document, error) {
	if u == nil {
		return nil, fmt.Errorf("awsiot: shadow of %q: %w: nil update", thingName, device.ErrInvalidUpdate)
	}
	if !device.ValidThingName(thingName) {
		return nil, fmt.Errorf("awsiot: shadow of %q: %w: not a valid thing name", thingName, device.ErrInvalidUpdate)
	}
	payload, err := json.Marshal(u)
	if err != nil {
		return nil, fmt.Errorf("awsiot: shadow of %q: %w: %w", thingName, device.ErrInvalidUpdate, err)
	}
	out, err := s.client.UpdateThingShadow(ctx, &iotdataplane.UpdateThingShadowInput{
		ThingName: aws.String(thingName),
		Payload:   payload,
	})
	if err != nil {
		return nil, wrap("updating the shadow of thing", thingName, err)
	}
	var doc device.Document
	if err := json.Unmarshal(out.Payload, &doc); err != nil {
		return nil, fmt.Errorf("awsiot: the accepted update of the shadow of %q is not a shadow document: %w", thingName, err)
	}
	return &doc, nil
}

// DataEndpoint asks the registry for the account's IoT data endpoint
// (DescribeEndpoint with type iot:Data-ATS), for [NewShadowFromConfig].
// It costs a request: configure the endpoint instead where start-up time
// matters.
func DataEndpoint(ctx context.Context, client interface {
	DescribeEndpoint(ctx context.Context, in *iot.DescribeEndpointInput, optFns ...func(*iot.Options)) (*iot.DescribeEndpointOutput, error)
}) (string, error) {
	out, err := client.DescribeEndpoint(ctx, &iot.DescribeEndpointInput{EndpointType: aws.String("iot:Data-ATS")})
	if err != nil {
		return "", fmt.Errorf("awsiot: describing the IoT data endpoint: %w", err)
	}
	if aws.ToString(out.EndpointAddress) == "" {
		return "", errors.New("awsiot: describing the IoT data endpoint: empty address")
	}
	return aws.ToString(out.EndpointAddress), nil
}

// wrap wraps err of op on thing, adding the device sentinel its exception
// type stands for.
func wrap(op, thingName string, err error) error {
	var sentinel error
	var (
		notFound1 *iottypes.ResourceNotFoundException
		notFound2 *dptypes.ResourceNotFoundException
		conflict1 *iottypes.VersionConflictException
		conflict2 *dptypes.ConflictException
		invalid   *dptypes.InvalidRequestException
		tooLarge  *dptypes.RequestEntityTooLargeException
		encoding  *dptypes.UnsupportedDocumentEncodingException
	)
	switch {
	case errors.As(err, &notFound1), errors.As(err, &notFound2):
		sentinel = device.ErrNotFound
	case errors.As(err, &conflict1), errors.As(err, &conflict2):
		sentinel = device.ErrConflict
	case errors.As(err, &tooLarge):
		if strings.HasPrefix(op, "updating the shadow") {
			return fmt.Errorf("awsiot: %s %q: %w: %w: %w", op, thingName, device.ErrInvalidUpdate, device.ErrTooLarge, err)
		}
	case errors.As(err, &invalid), errors.As(err, &encoding):
		if strings.HasPrefix(op, "updating the shadow") {
			sentinel = device.ErrInvalidUpdate
		}
	}
	if sentinel == nil {
		return fmt.Errorf("awsiot: %s %q: %w", op, thingName, err)
	}
	return fmt.Errorf("awsiot: %s %q: %w: %w", op, thingName, sentinel, err)
}
