// Command light is the smart light as a program of its own (the workshop's
// `node index.js`): the simulated battery-powered light of package
// simulator, on a real MQTT connection, speaking the Device Shadow topics.
//
// Against AWS IoT Core, with the thing's certificate (mutual TLS, port 8883,
// or 443 with ALPN):
//
//	go run ./examples/smartlight/cmd/light \
//	    -endpoint abcd1234-ats.iot.us-east-1.amazonaws.com \
//	    -cert light.cert.pem -key light.private.key -ca AmazonRootCA1.pem \
//	    -thing smartLight
//
// Against any MQTT broker whose shadow topics the backend serves (the
// local mode with -mqtt):
//
//	go run ./examples/smartlight/cmd/light -broker tcp://127.0.0.1:1883 -thing smartLight
//
// Its state (power, battery, name) is kept in -state across runs. On stdin:
// p presses its switch, r puts in fresh batteries, q quits (Ctrl-C too).
// When it quits it reports itself disconnected; when its connection drops,
// the broker publishes its will, which says the same.
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
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

	"github.com/go-alexa/smarthome/examples/internal/atomicfile"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/mqtt"
	"github.com/go-alexa/smarthome/examples/smartlight/simulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("light", flag.ContinueOnError)
	fs.SetOutput(stderr)
	broker := fs.String("broker", "", "broker URL: tcp://host:1883 or ssl://host:8883 (or use -endpoint)")
	endpoint := fs.String("endpoint", "", "AWS IoT Core data endpoint (…-ats.iot.REGION.amazonaws.com): the broker is ssl://ENDPOINT:PORT")
	port := fs.Int("port", 8883, "port of -endpoint: 8883, or 443 (MQTT with ALPN x-amzn-mqtt-ca)")
	certFile := fs.String("cert", "", "the thing's certificate (PEM), for mutual TLS")
	keyFile := fs.String("key", "", "the certificate's private key (PEM)")
	caFile := fs.String("ca", "", "CA certificates of the broker (PEM; AmazonRootCA1.pem for AWS IoT Core); empty: the system roots")
	thing := fs.String("thing", "smartLight", "thing name")
	clientID := fs.String("client-id", "", "MQTT client id (default: the thing name, as AWS IoT policies usually expect)")
	tick := fs.Duration("tick", simulator.DefaultTick, "battery drain interval: 1 % per tick while on")
	stateFile := fs.String("state", "", "file keeping the light's state across runs (default light-THING.json)")
	willTopic := fs.String("will-topic", "", "topic of the will the broker publishes when the connection drops (default: the thing's shadow update topic)")
	verbose := fs.Bool("v", false, "log what the light and its connection do")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	server := *broker
	switch {
	case server != "" && *endpoint != "":
		fmt.Fprintln(stderr, "light: give -broker or -endpoint, not both")
		return 2
	case *endpoint != "":
		server = fmt.Sprintf("ssl://%s:%d", *endpoint, *port)
	case server == "":
		fmt.Fprintln(stderr, "light: -broker or -endpoint is required")
		return 2
	}
	if !device.ValidThingName(*thing) {
		fmt.Fprintf(stderr, "light: invalid thing name %q\n", *thing)
		return 2
	}
	if *tick <= 0 {
		fmt.Fprintln(stderr, "light: -tick must be positive")
		return 2
	}
	if *clientID == "" {
		*clientID = *thing
	}
	if *stateFile == "" {
		*stateFile = "light-" + *thing + ".json"
	}
	if *willTopic == "" {
		*willTopic = device.UpdateTopic(*thing)
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	var tlsCfg *tls.Config
	if *certFile != "" || *keyFile != "" || *caFile != "" {
		if *certFile == "" || *keyFile == "" {
			fmt.Fprintln(stderr, "light: -cert and -key go together")
			return 2
		}
		var err error
		if tlsCfg, err = mqtt.LoadTLS(*certFile, *keyFile, *caFile); err != nil {
			fmt.Fprintln(stderr, "light:", err)
			return 1
		}
	}
	state, err := loadState(*stateFile)
	if err != nil {
		fmt.Fprintln(stderr, "light:", err)
		return 1
	}

	var sim *simulator.Light
	reconnected := make(chan struct{}, 1)
	first := true
	c, err := mqtt.Dial(ctx, mqtt.Config{
		Server: server, ClientID: *clientID, TLS: tlsCfg, Logger: log,
		Will: &device.Message{Topic: *willTopic, Payload: []byte(`{"state":{"reported":{"connected":false}}}`)},
		OnConnectionChange: func(up bool, err error) {
			switch {
			case up && first:
				first = false
			case up:
				fmt.Fprintln(stdout, "connected again")
				select {
				case reconnected <- struct{}{}:
				default:
				}
			default:
				fmt.Fprintf(stdout, "connection lost (%v); reconnecting\n", err)
			}
		},
	})
	if err != nil {
		fmt.Fprintln(stderr, "light:", err)
		return 1
	}
	sim, err = simulator.New(simulator.Config{
		Broker: c, ThingName: *thing, Tick: *tick, State: state, Logger: log,
		OnChange: func(s simulator.State) {
			if err := saveState(*stateFile, s); err != nil {
				log.Warn("light: saving the state", slog.String("error", err.Error()))
			}
		},
	})
	if err != nil {
		fmt.Fprintln(stderr, "light:", err)
		_ = c.Close(context.Background())
		return 1
	}
	st := sim.State()
	fmt.Fprintf(stdout, "light %s on %s: %s, battery %d %%, named %q; p + Enter presses its switch, r replaces its batteries, q quits\n",
		*thing, server, st.Status, st.Battery, st.Name)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		for {
			select {
			case <-reconnected:
				if err := sim.Reconnected(ctx); err != nil && ctx.Err() == nil {
					log.Warn("light: reporting after the reconnect", slog.String("error", err.Error()))
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	go commands(ctx, sim, stdin, stdout, stderr, cancel)
	runErr := sim.Run(ctx)
	cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer ccancel()
	closeErr := c.Close(cctx)
	if err := saveState(*stateFile, sim.State()); err != nil {
		fmt.Fprintln(stderr, "light:", err)
		return 1
	}
	if err := errors.Join(runErr, closeErr); err != nil {
		fmt.Fprintln(stderr, "light:", err)
		return 1
	}
	fmt.Fprintf(stdout, "disconnected; state saved in %s\n", *stateFile)
	return 0
}

// commands reads one-letter commands from stdin until it ends or q.
func commands(ctx context.Context, sim *simulator.Light, stdin io.Reader, stdout, stderr io.Writer, quit func()) {
	sc := bufio.NewScanner(stdin)
	for sc.Scan() {
		var err error
		switch strings.TrimSpace(sc.Text()) {
		case "p":
			err = sim.Press(ctx)
		case "r":
			err = sim.ReplaceBattery(ctx)
		case "q":
			quit()
			return
		case "":
			continue
		default:
			fmt.Fprintln(stderr, "commands: p (press the switch), r (replace the batteries), q (quit)")
			continue
		}
		if err != nil {
			fmt.Fprintln(stderr, "light:", err)
			continue
		}
		st := sim.State()
		fmt.Fprintf(stdout, "%s, battery %d %%\n", st.Status, st.Battery)
	}
}

// loadState reads the state file; a missing file is a new light.
func loadState(path string) (simulator.State, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return simulator.NewState(), nil
	}
	if err != nil {
		return simulator.State{}, err
	}
	var s simulator.State
	if err := json.Unmarshal(b, &s); err != nil {
		return simulator.State{}, fmt.Errorf("%s is not a light state file (remove it to start afresh): %w", path, err)
	}
	return s, nil
}

func saveState(path string, s simulator.State) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(b, '\n'))
}
