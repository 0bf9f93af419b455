// Command local runs the smart light backend on this machine with a fake
// Alexa cloud, and plays the workshop's test on it:
//
//	go run ./examples/smartlight/cmd/local            # from the repository root
//	go run ./examples/smartlight/cmd/local -tick 100ms # drain the battery fast
//	go run ./examples/smartlight/cmd/local -mqtt tcp://127.0.0.1:1883 # the light on a real broker
//
// It prints every message as the Alexa Smart Home debugger would (-json for
// the full messages, tokens redacted), then keeps running until Ctrl-C,
// printing how to drive it by hand. State is kept in -dir (default
// .smartlight) across runs. Configuration comes from the environment (see
// package config); DASH_REPLENISHMENT=disabled runs without Dash.
//
// With -mqtt the devices meet on a real MQTT broker (mosquitto, say): the
// backend serves the Device Shadow topics there and takes the accepted
// updates from there, and the light is an MQTT client of its own, with a
// will. (-mqtt-cert, -mqtt-key and -mqtt-ca for a TLS broker that wants
// client certificates.) Without it, everything stays in this process.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/go-alexa/smarthome/examples/smartlight/config"
	"github.com/go-alexa/smarthome/examples/smartlight/device/mqtt"
	"github.com/go-alexa/smarthome/examples/smartlight/local"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("local", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", ".smartlight", "data directory: grants, devices and shadows, lights (remove it to start afresh)")
	addr := fs.String("addr", "127.0.0.1:8080", "address of the skill, devices API and identity provider")
	tick := fs.Duration("tick", 10*time.Second, "battery drain interval of the light: 1 % per tick while on (e.g. 100ms to watch it drain)")
	full := fs.Bool("json", false, "print every message in full (tokens redacted)")
	verbose := fs.Bool("v", false, "log what the components do (to stderr)")
	story := fs.Bool("story", true, "play the workshop's test at start")
	heartbeat := fs.Duration("heartbeat", 12*time.Hour, "interval of the automatic Dash heartbeat (h + Enter runs it at once)")
	broker := fs.String("mqtt", "", "MQTT broker URL (tcp://127.0.0.1:1883, ssl://host:8883): the light and the shadow topics on a real broker; empty keeps them in process")
	mqttCert := fs.String("mqtt-cert", "", "client certificate (PEM) for an ssl:// -mqtt broker")
	mqttKey := fs.String("mqtt-key", "", "its private key (PEM)")
	mqttCA := fs.String("mqtt-ca", "", "CA certificates (PEM) of the -mqtt broker; empty: the system roots")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var mqttOpts *local.MQTTOptions
	if *broker != "" {
		mqttOpts = &local.MQTTOptions{Server: *broker}
		if *mqttCert != "" || *mqttKey != "" || *mqttCA != "" {
			if *mqttCert == "" || *mqttKey == "" {
				fmt.Fprintln(stderr, "local: -mqtt-cert and -mqtt-key go together")
				return 2
			}
			t, err := mqtt.LoadTLS(*mqttCert, *mqttKey, *mqttCA)
			if err != nil {
				fmt.Fprintln(stderr, "local:", err)
				return 2
			}
			mqttOpts.TLS = t
		}
	}
	if *tick <= 0 || *heartbeat <= 0 {
		fmt.Fprintln(stderr, "local: -tick and -heartbeat must be positive")
		return 2
	}
	cfg, err := config.Load(config.Local, getenv)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	level := slog.LevelWarn
	if *verbose {
		level = min(cfg.LogLevel, slog.LevelInfo)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dbg := &local.Debugger{Out: stdout, FullJSON: *full}
	app, err := local.Start(ctx, local.Options{
		Config: cfg, Dir: *dir, Addr: *addr, Tick: *tick, Debugger: dbg, Logger: logger, HeartbeatInterval: *heartbeat,
		MQTT: mqttOpts,
	})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	devices := "in process"
	if mqttOpts != nil {
		devices = "MQTT broker " + mqttOpts.Server
	}
	dash := "Dash Replenishment enabled (" + string(cfg.ReplenishmentID) + ")"
	if !cfg.Dash {
		dash = "Dash Replenishment disabled"
	}
	fmt.Fprintf(stdout, `Smart light backend, local mode — %s
  skill (POST directives)  %s%s
  devices API              %s%s
  identity provider JWKS   %s%s/.well-known/jwks.json
  fake Alexa cloud         %s
  light                    %s (thing %s), battery drains 1 %% every %s while on
  devices and shadows      %s
  data                     %s

`, dash, app.URL, local.SkillPath, app.URL, local.DevicesPath, app.URL, local.AuthPath, app.Cloud.URL,
		app.Lights[0].SerialNumber, app.Lights[0].ThingName, *tick, devices, *dir)

	help, err := app.WriteHelpers(12 * time.Hour)
	if err != nil {
		fmt.Fprintln(stderr, err)
	}
	storyDone := make(chan error, 1)
	if *story {
		go func() {
			err := app.Story(ctx, local.StoryOptions{WaitOrder: true})
			if err == nil {
				dbg.Note("the story has played: AcceptGrant, discovery, control, change reports, heartbeat and a Dash order; the light keeps draining while on")
			}
			storyDone <- err
		}()
	} else {
		storyDone <- nil
	}
	go commands(ctx, app, stdin, stderr, stop)

	select {
	case err := <-storyDone:
		if err != nil && ctx.Err() == nil {
			fmt.Fprintln(stderr, "local: the story failed:", err)
		}
		fmt.Fprintln(stdout)
		fmt.Fprint(stdout, help)
		<-ctx.Done()
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "\nshutting down: the light disconnects, pending updates are reported, state is saved")
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := app.Close(cctx); err != nil {
		fmt.Fprintln(stderr, "local:", err)
		return 1
	}
	fmt.Fprintf(stdout, "state saved in %s\n", *dir)
	return 0
}

// commands reads one-letter commands from stdin until it ends.
func commands(ctx context.Context, app *local.App, stdin io.Reader, stderr io.Writer, quit func()) {
	sc := bufio.NewScanner(stdin)
	for sc.Scan() {
		switch strings.TrimSpace(sc.Text()) {
		case "h":
			if _, err := app.Heartbeat(ctx); err != nil && !errors.Is(err, context.Canceled) {
				fmt.Fprintln(stderr, "local: heartbeat:", err)
			}
		case "p":
			if err := app.Lights[0].Sim().Press(ctx); err != nil {
				fmt.Fprintln(stderr, "local: press:", err)
			}
		case "r":
			if err := app.Lights[0].Sim().ReplaceBattery(ctx); err != nil {
				fmt.Fprintln(stderr, "local: replace the batteries:", err)
			}
		case "q":
			quit()
			return
		case "":
		default:
			fmt.Fprintln(stderr, "commands: h (heartbeat), p (press the light's switch), r (replace its batteries), q (quit)")
		}
	}
}
