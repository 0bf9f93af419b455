package config_test

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
	"github.com/go-alexa/smarthome/examples/smartlight/skill"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

const rid = "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84"

func TestLoadSkill(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(config.Skill, env(map[string]string{
		"DASH_REPLENISHMENT": "Enabled", "DASH_REPLENISHMENT_ID": rid, "AWS_REGION": "eu-west-1",
		"LWA_CLIENT_ID": "amzn1.application-oa2-client.x", "LWA_CLIENT_SECRET": "s3cret-value",
		"AUTH_ISSUER": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x", "AUTH_ALEXA_CLIENT_IDS": "alexa1, alexa2",
		"SKILL_CONFIRM_TIMEOUT": "2s", "LOG_LEVEL": "debug",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Dash || cfg.Region != alexa.RegionEU || len(cfg.AlexaClientIDs) != 2 || cfg.ConfirmTimeout != 2*time.Second || cfg.LogLevel != slog.LevelDebug {
		t.Errorf("cfg %+v", cfg)
	}
	m, warns, err := light.NewModel(cfg.Dash, cfg.ReplenishmentID)
	if err != nil || !m.Dash() || len(warns) != 0 {
		t.Errorf("Model = %v, %v, %v", m, warns, err)
	}
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprint(cfg.LogValue())} {
		if strings.Contains(s, "s3cret-value") {
			t.Errorf("the secret leaks: %s", s)
		}
	}
}

func TestLoadProblems(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		c    config.Component
		env  map[string]string
		want []string
	}{
		{config.Skill, map[string]string{"DASH_REPLENISHMENT": "ENABLED"}, []string{
			"DASH_REPLENISHMENT_ID is not set", "LWA_CLIENT_ID is required", "LWA_CLIENT_SECRET (or LWA_CLIENT_SECRET_FILE, or LWA_CLIENT_SECRET_PARAMETER) is required",
			"AUTH_ISSUER is required", "AUTH_ALEXA_CLIENT_IDS is required"}},
		{config.Updates, map[string]string{"DASH_REPLENISHMENT": "yes", "LWA_CLIENT_ID": "a", "LWA_CLIENT_SECRET": "b"}, []string{`DASH_REPLENISHMENT="yes"`}},
		{config.Updates, map[string]string{"DASH_REPLENISHMENT": "enabled", "DASH_REPLENISHMENT_ID": "amzn1.dash.v2.o.xyz", "LWA_CLIENT_ID": "a", "LWA_CLIENT_SECRET": "b"}, []string{"legacy Dash order id"}},
		{config.Updates, map[string]string{"DASH_REPLENISHMENT": "enabled", "DASH_REPLENISHMENT_ID": rid + "\n", "LWA_CLIENT_ID": "a", "LWA_CLIENT_SECRET": "b"}, []string{"white space"}},
		{config.DevicesAPI, map[string]string{"LWA_CLIENT_ID": "a", "LWA_CLIENT_SECRET": "b", "AUTH_ISSUER": "not a url", "AUTH_WEB_CLIENT_IDS": "w,a1", "AUTH_ALEXA_CLIENT_IDS": "a1",
			"ALEXA_REGION": "US", "SKILL_CONFIRM_TIMEOUT": "10s", "CORS_ALLOWED_ORIGINS": "*", "LOG_LEVEL": "loud", "LWA_TOKEN_URL": "ftp://x"}, []string{
			"AUTH_ISSUER=", `ALEXA_REGION="US"`, "SKILL_CONFIRM_TIMEOUT=10s", "CORS_ALLOWED_ORIGINS", "LOG_LEVEL", "LWA_TOKEN_URL", `client id "a1" is in both`}},
		{config.Updates, map[string]string{"LWA_CLIENT_ID": "a", "LWA_CLIENT_SECRET": "b", "LWA_CLIENT_SECRET_FILE": "/x"}, []string{"not several"}},
		{config.Updates, map[string]string{"LWA_CLIENT_ID": "a", "LWA_CLIENT_SECRET_PARAMETER": "/p", "LWA_CLIENT_SECRET": "b"}, []string{"not several"}},
	} {
		_, err := config.Load(tc.c, env(tc.env))
		var ce *config.Error
		if !errors.As(err, &ce) {
			t.Errorf("Load(%s, %v) = %v, want a config.Error", tc.c, tc.env, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Load(%s, %v):\n%v\ndoes not mention %q", tc.c, tc.env, err, w)
			}
		}
		if len(ce.Problems) != len(tc.want) {
			t.Errorf("Load(%s): %d problems, want %d:\n%v", tc.c, len(ce.Problems), len(tc.want), err)
		}
	}
}

func TestLoadLocalDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(config.Local, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Dash || cfg.ReplenishmentID != config.WorkshopReplenishmentID || cfg.Region != alexa.RegionNA {
		t.Errorf("local defaults %+v", cfg)
	}
	cfg, err = config.Load(config.Local, env(map[string]string{"DASH_REPLENISHMENT": "disabled"}))
	if err != nil || cfg.Dash {
		t.Errorf("disabled: %+v, %v", cfg, err)
	}
}

func TestSecretParameter(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(config.Skill, env(map[string]string{"LWA_CLIENT_ID": "a", "LWA_CLIENT_SECRET_PARAMETER": "/smartlight/lwa-client-secret",
		"AUTH_ISSUER": "https://issuer.example", "AUTH_ALEXA_CLIENT_IDS": "x"}))
	if err != nil || cfg.LWAClientSecretParameter != "/smartlight/lwa-client-secret" || cfg.LWAClientSecret != "" {
		t.Errorf("cfg %+v, %v", cfg, err)
	}
}

func TestSecretFile(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(p, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.Updates, env(map[string]string{"LWA_CLIENT_ID": "a", "LWA_CLIENT_SECRET_FILE": p}))
	if err != nil || cfg.LWAClientSecret != "from-file" {
		t.Errorf("secret from file: %v", err)
	}
	if _, err := config.Load(config.Updates, env(map[string]string{"LWA_CLIENT_ID": "a", "LWA_CLIENT_SECRET_FILE": p + "x"})); err == nil {
		t.Error("missing secret file accepted")
	}
}

// The configuration's bound of SKILL_CONFIRM_TIMEOUT is the skill's.
func TestMaxConfirmTimeoutIsTheSkills(t *testing.T) {
	if config.MaxConfirmTimeout != skill.MaxConfirmTimeout {
		t.Errorf("config.MaxConfirmTimeout %v, skill.MaxConfirmTimeout %v", config.MaxConfirmTimeout, skill.MaxConfirmTimeout)
	}
}

func TestLoadAppLink(t *testing.T) {
	base := map[string]string{
		"LWA_CLIENT_ID": "a", "LWA_CLIENT_SECRET": "b", "AUTH_ISSUER": "https://idp.example.com/pool",
		"AUTH_WEB_CLIENT_IDS": "web", "AUTH_ALEXA_CLIENT_IDS": "alexa",
	}
	cfg, err := config.Load(config.DevicesAPI, env(base))
	if err != nil || cfg.AppLink != nil {
		t.Fatalf("without APPLINK_SKILL_ID: %+v, %v", cfg.AppLink, err)
	}
	full := maps.Clone(base)
	maps.Copy(full, map[string]string{
		"APPLINK_SKILL_ID": "amzn1.ask.skill.x", "APPLINK_LWA_CLIENT_ID": "amzn1.application-oa2-client.web",
		"APPLINK_LWA_CLIENT_SECRET_PARAMETER": "/smartlight/web-lwa-secret", "APPLINK_REDIRECT_URL": "https://app.example.com/",
		"APPLINK_AUTHORIZE_URL": "https://auth.example.com/oauth2/authorize", "APPLINK_STATE_KEY_PARAMETER": "/smartlight/link-state-key",
		"APPLINK_TOKENS_TABLE": "amazon-tokens",
	})
	cfg, err = config.Load(config.DevicesAPI, env(full))
	if err != nil || cfg.AppLink == nil || cfg.AppLink.Stage != "live" || cfg.AppLink.TokensTable != "amazon-tokens" {
		t.Fatalf("with app-link: %+v, %v", cfg.AppLink, err)
	}
	partial := maps.Clone(base)
	partial["APPLINK_SKILL_ID"] = "amzn1.ask.skill.x"
	partial["APPLINK_SKILL_STAGE"] = "beta"
	_, err = config.Load(config.DevicesAPI, env(partial))
	for _, want := range []string{"APPLINK_SKILL_STAGE", "APPLINK_LWA_CLIENT_ID", "APPLINK_TOKENS_TABLE", "APPLINK_REDIRECT_URL"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("partial app-link: %v, want it to name %s", err, want)
		}
	}
}

func TestLoadFleet(t *testing.T) {
	t.Parallel()
	base := map[string]string{"LWA_CLIENT_ID": "a", "LWA_CLIENT_SECRET": "b"}
	with := func(kv ...string) map[string]string {
		m := maps.Clone(base)
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cfg, err := config.Load(config.Updates, env(with(
		"SHARD_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/shards",
		"OUTBOX_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/outbox",
		"THROTTLE_TABLE", "smartlight-throttle", "SHARD_WORKER_TIMEOUT", "900s", "EVENTS_RATE_LIMIT", "12.5",
		"HEARTBEAT_USERS_PER_SHARD", "250")))
	if err != nil {
		t.Fatal(err)
	}
	want := config.Fleet{
		ShardQueueURL: "https://sqs.eu-west-1.amazonaws.com/123456789012/shards", OutboxQueueURL: "https://sqs.eu-west-1.amazonaws.com/123456789012/outbox",
		ThrottleTable: "smartlight-throttle", ShardWorkerTimeout: 15 * time.Minute, ShardRemainderDelay: config.DefaultShardRemainderDelay,
		UsersPerShard: 250, EventsRateLimit: 12.5,
	}
	if cfg.Fleet != want {
		t.Errorf("Fleet = %+v, want %+v", cfg.Fleet, want)
	}
	if cfg, err := config.Load(config.Updates, env(base)); err != nil || cfg.Fleet != (config.Fleet{ShardRemainderDelay: config.DefaultShardRemainderDelay}) {
		t.Errorf("without the variables: %+v, %v; want the defaults", cfg.Fleet, err)
	}
	// Local mode has its own outbox: the variables are not read.
	if cfg, err := config.Load(config.Local, env(map[string]string{"SHARD_QUEUE_URL": "x"})); err != nil || cfg.Fleet != (config.Fleet{}) {
		t.Errorf("local: %+v, %v", cfg.Fleet, err)
	}
	_, err = config.Load(config.Updates, env(with(
		"SHARD_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/shards", "OUTBOX_QUEUE_URL", "sqs://q",
		"THROTTLE_TABLE", "a b", "SHARD_WORKER_TIMEOUT", "20m", "SHARD_REMAINDER_DELAY", "-1s",
		"HEARTBEAT_USERS_PER_SHARD", "0", "EVENTS_RATE_LIMIT", "NaN")))
	var ce *config.Error
	if !errors.As(err, &ce) || len(ce.Problems) != 7 {
		t.Fatalf("Load = %v, want 7 problems", err)
	}
	for _, w := range []string{"SHARD_QUEUE_URL", "OUTBOX_QUEUE_URL", "THROTTLE_TABLE", "SHARD_WORKER_TIMEOUT", "SHARD_REMAINDER_DELAY", "HEARTBEAT_USERS_PER_SHARD", "EVENTS_RATE_LIMIT"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("the error does not mention %s:\n%v", w, err)
		}
	}
	same := "https://sqs.eu-west-1.amazonaws.com/123456789012/q"
	if _, err := config.Load(config.Updates, env(with("SHARD_QUEUE_URL", same, "OUTBOX_QUEUE_URL", same))); err == nil || !strings.Contains(err.Error(), "same queue") {
		t.Errorf("one queue for both: %v", err)
	}
}
