package awsapp_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/examples/smartlight/awsapp"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
)

func TestNewReportsEveryProblem(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DASH_REPLENISHMENT": "enabled", "OUTBOX_QUEUE_URL": "not a queue"}
	_, err := awsapp.New(t.Context(), config.Skill, func(k string) string { return env[k] }, io.Discard)
	var ce *config.Error
	if !errors.As(err, &ce) {
		t.Fatalf("New = %v, want a config.Error", err)
	}
	for _, want := range []string{"GRANTS_TABLE", "DASH_REPLENISHMENT_ID", "LWA_CLIENT_ID", "AUTH_ISSUER", "AUTH_ALEXA_CLIENT_IDS", "OUTBOX_QUEUE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not mention %s:\n%v", want, err)
		}
	}
}

// TestNewFleet builds the updates component with the large-fleet wiring,
// without a request (the secret in the environment, the IoT endpoint set).
func TestNewFleet(t *testing.T) {
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	env := map[string]string{
		"DASH_REPLENISHMENT": "enabled", "DASH_REPLENISHMENT_ID": "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84",
		"LWA_CLIENT_ID": "amzn1.application-oa2-client.x", "LWA_CLIENT_SECRET": "secret", "GRANTS_TABLE": "grants",
		"IOT_DATA_ENDPOINT": "abc123-ats.iot.eu-west-1.amazonaws.com",
		"SHARD_QUEUE_URL":   "https://sqs.eu-west-1.amazonaws.com/123456789012/shards",
		"OUTBOX_QUEUE_URL":  "https://sqs.eu-west-1.amazonaws.com/123456789012/outbox",
		"THROTTLE_TABLE":    "throttle", "EVENTS_RATE_LIMIT": "20", "SHARD_WORKER_TIMEOUT": "900s",
	}
	b, err := awsapp.New(t.Context(), config.Updates, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if b.Shards == nil || b.Outbox == nil || b.Throttle == nil || b.Redeliverer == nil || b.Redeliverer != b.Events {
		t.Errorf("fleet wiring: shards %v, outbox %v, throttle %v, redeliverer %p (events %p)", b.Shards, b.Outbox, b.Throttle, b.Redeliverer, b.Events)
	}
	u, err := b.Updates()
	if err != nil {
		t.Fatal(err)
	}
	if n := u.UsersPerShard(t.Context()); n < 100 {
		t.Errorf("UsersPerShard = %d with a 900 s worker", n)
	}

	delete(env, "SHARD_QUEUE_URL")
	delete(env, "OUTBOX_QUEUE_URL")
	delete(env, "THROTTLE_TABLE")
	b, err = awsapp.New(t.Context(), config.Updates, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if b.Shards != nil || b.Outbox != nil || b.Throttle != nil {
		t.Errorf("without the variables: shards %v, outbox %v, throttle %v", b.Shards, b.Outbox, b.Throttle)
	}
}
