package awsenv

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// signedPost makes signed POST requests of one body to one AWS service,
// with cfg's credentials (retrieved once) and HTTP client.
type signedPost struct {
	cfg     aws.Config
	service string
	body    []byte
	hash    string
	creds   aws.Credentials
	hc      aws.HTTPClient
	signer  *v4.Signer
}

// newSignedPost retrieves the credentials and hashes body for requests to
// service.
func newSignedPost(ctx context.Context, cfg aws.Config, service string, body []byte) (*signedPost, error) {
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	hc := cfg.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	return &signedPost{cfg: cfg, service: service, body: body, hash: hex.EncodeToString(sum[:]), creds: creds, hc: hc, signer: v4.NewSigner()}, nil
}

// request returns the signed POST of the body to url with header.
func (p *signedPost) request(ctx context.Context, url string, header map[string]string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(p.body))
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if err := p.signer.SignHTTP(ctx, p.creds, req, p.hash, p.service, p.cfg.Region, time.Now()); err != nil {
		return nil, err
	}
	return req, nil
}

// waitToRetry waits before retry attempt (1, 2, ...): 100 ms times the
// attempt, or until ctx ends, when it returns last joined with ctx's error.
func waitToRetry(ctx context.Context, attempt int, last error) error {
	t := time.NewTimer(time.Duration(attempt) * 100 * time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return errors.Join(last, ctx.Err())
	case <-t.C:
		return nil
	}
}
