// Command coldstart measures the cold start and the size of the skill's
// Lambda function against the smallest possible Go Lambda function.
//
// It builds the skill (./smartlight/cmd/skill) and a baseline function
// (./internal/tools/coldstart/baseline: lambda.Start with a handler that
// returns the skill's own reply, read from its environment), then starts
// each as Lambda starts a provided.al2023 function: a fresh process with
// AWS_LAMBDA_RUNTIME_API pointing at a fake Lambda Runtime API that
// serves one Alexa directive (Discover, TurnOn or ReportState). Each start is timed
// from the process start to the arrival of the function's full answer
// (and to its first poll for an event: the end of its initialization).
// Runs alternate between the two functions, after one unmeasured warm-up
// each (so the binaries are in the page cache); it reports the median, the
// 90th percentile, the minimum and the maximum, the ratio of the two
// medians, and the median of the paired ratios: each skill start over the
// baseline start next to it, which a load swing of a shared machine slows
// alike (single runs of the ratio of the medians swing by ±10 % there).
// On Linux it also reports the CPU time each function used by its answer
// (all its threads, as the scheduler counts it), whose ratio is the work
// a start does against the baseline's: the fake cloud and the fake
// Runtime API run on the same CPUs, so where a start keeps them busy its
// time to answer is mostly this work. And it counts each function's page
// faults, and times one on the machine.
//
// The skill runs with the environment of examples/template.yaml, and
// talks to a fake cloud on loopback: the identity provider's JWKS (the
// directive's scope token is a real RS256 token) and AWS IoT (registry and
// shadows, from the in-memory device cloud); the fake also answers the
// SSM and DynamoDB requests of AcceptGrant, which the skill function
// forwards to the grants function (GRANTS_FUNCTION, never invoked here).
// The numbers therefore include the skill's real work
// at its first directive (configuration, IoT clients, JWKS fetch and
// token verification, registry and shadow calls over HTTP), but not the
// network latency to AWS, nor Lambda's own sandbox start, and they come
// from this machine's CPUs, not a Lambda's share of one.
//
// Then it builds both for linux/arm64 and linux/amd64 with
// -trimpath -ldflags="-s -w" (and with -tags lambda.norpc, which drops the
// RPC mode that provided.al2023 does not use) and reports the sizes. The
// tag matters far more than its name suggests: net/rpc looks up methods
// by reflection (and brings text/template, which does too), so the linker
// must keep every exported method of every type, and the AWS SDK has
// many.
//
// With -latency, the fake cloud answers every request that much later, as
// the network to AWS would: the figure then shows what the skill's
// sequence of calls costs where each is a round trip, which a loopback
// measurement hides. With -tls, it serves HTTPS, as AWS and Cognito are
// reached, so that the skill's figure includes its TLS handshakes; the
// skill trusts the fake's certificate through AWS_CA_BUNDLE, as it trusts
// Amazon's roots on Lambda, without loading the system's root store
// (with -env AWS_CA_BUNDLE=, it verifies the fake, which is no AWS host,
// against the system's roots, where SSL_CERT_FILE adds the certificate:
// the cost of the system's root store). With
// -cookie=false, the directive carries no endpoint cookie, as for an
// endpoint discovered before the skill set one.
//
// With -baseline ./internal/tools/coldstart/sameio (for -directive turnon),
// the skill is measured against the floor of its work instead: a function
// that makes the skill's exchanges with the fake cloud, in the skill's
// order, and verifies the token as the skill does, with the standard
// library and the SigV4 signer only (see its package doc). The minimal
// baseline against sameio is what the directive's work costs any Go
// function; the skill against sameio is what the skill adds to it. The
// baseline runs with the skill's environment (without -env).
//
// Usage, from the examples module:
//
//	go run ./internal/tools/coldstart [-n 30] [-directive discover|turnon|reportstate] [-devices 3] [-tags lambda.norpc] [-latency 5ms] [-tls] [-cookie=false] [-env KEY=VALUE ...] [-baseline ./internal/tools/coldstart/sameio]
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-alexa/smarthome/examples/smartlight/light"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
}

// envFlag collects repeated -env KEY=VALUE flags.
type envFlag []string

// String implements flag.Value.
func (e *envFlag) String() string { return strings.Join(*e, " ") }

// Set implements flag.Value: it appends one KEY=VALUE.
func (e *envFlag) Set(s string) error {
	if k, _, ok := strings.Cut(s, "="); !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE, got %q", s)
	}
	*e = append(*e, s)
	return nil
}

// options are the command's flags.
type options struct {
	n         int
	directive string
	devices   int
	skill     string
	baseline  string
	env       envFlag
	sizes     bool
	tags      string
	timeout   time.Duration
	verbose   bool
	// latency delays every answer of the fake cloud, as a network would.
	latency time.Duration
	// cookie sends the endpoint cookie the skill's discovery sets.
	cookie bool
	// tls serves the fake cloud over HTTPS.
	tls bool
	// testBuild builds the measured functions as `go test` builds (see
	// the -testbuild flag): for the tool's own test only.
	testBuild string
}

// buildMode says how [build] builds.
type buildMode struct {
	tags []string
	// test is "", "plain" or "race": see the -testbuild flag.
	test string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o options
	fs := flag.NewFlagSet("coldstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.n, "n", 30, "measured starts of each function")
	fs.StringVar(&o.directive, "directive", "discover", "the directive of the first invocation: discover, turnon or reportstate")
	fs.IntVar(&o.devices, "devices", 3, "devices the user owns")
	fs.StringVar(&o.skill, "skill", "./smartlight/cmd/skill", "the skill's main package")
	fs.StringVar(&o.baseline, "baseline", "./internal/tools/coldstart/baseline", "the baseline's main package")
	fs.Var(&o.env, "env", "extra environment of the skill, KEY=VALUE (repeatable; overrides the defaults)")
	fs.BoolVar(&o.sizes, "sizes", true, "also report the binary sizes for linux/arm64 and linux/amd64")
	fs.StringVar(&o.tags, "tags", "", "build tags of the measured binaries, e.g. lambda.norpc")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "longest a start may take")
	fs.BoolVar(&o.verbose, "v", false, "show the skill's log of the first start")
	fs.DurationVar(&o.latency, "latency", 0, "delay every answer of the fake cloud (JWKS, IoT, SSM, DynamoDB) by this much, as the network to AWS would")
	fs.BoolVar(&o.tls, "tls", false, "serve the fake cloud over HTTPS, as AWS and Cognito are reached, with a certificate the skill trusts (AWS_CA_BUNDLE, SSL_CERT_FILE)")
	fs.BoolVar(&o.cookie, "cookie", true, "send the endpoint cookie the skill's discovery sets, as Alexa does (false: as for an endpoint discovered before the skill set one)")
	fs.StringVar(&o.testBuild, "testbuild", "", "plain or race: build the functions as `go test` (or `go test -race`) builds its packages, reusing their build cache, instead of as deployed; the figures then say nothing of a deployment (for the tool's own test)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.n < 1 || o.devices < 0 || o.latency < 0 || (o.directive != "discover" && o.directive != "turnon" && o.directive != "reportstate") {
		return errors.New("want -n ≥ 1, -devices ≥ 0, -latency ≥ 0 and -directive discover, turnon or reportstate")
	}
	if o.testBuild != "" && o.testBuild != "plain" && o.testBuild != "race" {
		return errors.New("want -testbuild plain or race")
	}

	tmp, err := os.MkdirTemp("", "coldstart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var tags []string
	if o.tags != "" {
		tags = strings.Split(o.tags, ",")
	}
	fmt.Fprintf(stderr, "building %s and %s for %s/%s...\n", o.skill, o.baseline, runtime.GOOS, runtime.GOARCH)
	skillBin, baseBin := filepath.Join(tmp, "skill"), filepath.Join(tmp, "baseline")
	mode := buildMode{tags: tags, test: o.testBuild}
	if err := build(ctx, o.skill, skillBin, "", "", mode); err != nil {
		return err
	}
	if err := build(ctx, o.baseline, baseBin, "", "", mode); err != nil {
		return err
	}

	cloudOpts := cloudOptions{Devices: o.devices, Latency: o.latency}
	if o.tls {
		cloudOpts.TLSDir = tmp
	}
	cloud, err := newFakeCloud(cloudOpts)
	if err != nil {
		return err
	}
	defer cloud.Close()
	event, err := directive(cloud, o.directive, o.cookie)
	if err != nil {
		return err
	}
	skillEnv := append(skillEnvironment(cloud), o.env...)

	// The first start of the skill gives the reply the baseline returns.
	first, err := measure(ctx, skillBin, skillEnv, event, o.timeout)
	if err != nil {
		return fmt.Errorf("skill: %w", err)
	}
	if o.verbose {
		fmt.Fprintf(stderr, "skill log:\n%s\n", first.Log)
	}
	if err := checkReply(first.Reply, o.directive, o.devices); err != nil {
		return fmt.Errorf("skill: %w\n%s", err, truncate(first.Log, 2000))
	}
	// The baseline gets the skill's environment (without -env), which the
	// minimal one ignores and sameio needs, and the skill's reply.
	baseEnv := append(skillEnvironment(cloud), "COLDSTART_REPLY="+string(first.Reply))
	if r, err := measure(ctx, baseBin, baseEnv, event, o.timeout); err != nil {
		return fmt.Errorf("baseline: %w", err)
	} else if !bytes.Equal(r.Reply, first.Reply) {
		return fmt.Errorf("baseline: it did not answer with the skill's reply\n%s", truncate(r.Log, 2000))
	}

	fmt.Fprintf(stderr, "measuring %d starts of each...\n", o.n)
	var skillRuns, baseRuns []sample
	for i := range o.n {
		order := []bool{true, false}
		if i%2 == 1 {
			order = []bool{false, true}
		}
		for _, isSkill := range order {
			bin, env := baseBin, baseEnv
			if isSkill {
				bin, env = skillBin, skillEnv
			}
			s, err := measure(ctx, bin, env, event, o.timeout)
			if err != nil {
				return fmt.Errorf("%s: %w", filepath.Base(bin), err)
			}
			if isSkill {
				skillRuns = append(skillRuns, s)
			} else {
				baseRuns = append(baseRuns, s)
			}
		}
	}

	built := "-trimpath -ldflags=\"-s -w\""
	if o.tags != "" {
		built += " -tags " + o.tags
	}
	fmt.Fprintf(stdout, "Cold start, %s directive, %d devices, %d starts each (%s/%s, %d CPUs, %s, %s)\n\n",
		o.directive, o.devices, o.n, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), built)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "function\tto answer: median\tp90\tmin\tmax\tto first poll: median\tp90\tCPU time: median\tpage faults: median\t")
	for _, f := range []struct {
		name string
		runs []sample
	}{{"skill", skillRuns}, {"baseline", baseRuns}} {
		ans, init := durations(f.runs, func(s sample) time.Duration { return s.Answer }), durations(f.runs, func(s sample) time.Duration { return s.Init })
		cpuTime := "-"
		if c := measured(f.runs, cpu); c >= 0 {
			cpuTime = ms(c)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t\n", f.name,
			ms(percentile(ans, 50)), ms(percentile(ans, 90)), ms(ans[0]), ms(ans[len(ans)-1]),
			ms(percentile(init, 50)), ms(percentile(init, 90)), cpuTime, measured(f.runs, faults))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	answer := func(s sample) time.Duration { return s.Answer }
	fmt.Fprintf(stdout, "\nskill/baseline, ratio of the medians to answer: %.2f×\n",
		float64(percentile(durations(skillRuns, answer), 50))/float64(percentile(durations(baseRuns, answer), 50)))
	fmt.Fprintf(stdout, "skill/baseline, median of the %d paired ratios to answer: %.2f×\n", len(skillRuns), pairedRatio(skillRuns, baseRuns))
	if sc, bc := measured(skillRuns, cpu), measured(baseRuns, cpu); sc > 0 && bc > 0 {
		fmt.Fprintf(stdout, "skill/baseline, ratio of the median CPU times by the answer (all threads): %.2f×\n", float64(sc)/float64(bc))
	}
	if sf, bf := measured(skillRuns, faults), measured(baseRuns, faults); sf >= 0 && bf >= 0 {
		if cost, err := faultCost(); err == nil {
			more, than := sf-bf, "more"
			if more < 0 {
				more, than = -more, "fewer"
			}
			fmt.Fprintf(stdout, "a page fault (first touch of a fresh page) takes %.1f µs on this machine: the skill's %d %s faults than the baseline's are about %s of its start\n",
				float64(cost)/float64(time.Microsecond), more, than, ms(time.Duration(more)*cost))
		}
	}

	if !o.sizes {
		return nil
	}
	fmt.Fprintf(stderr, "building for linux/arm64 and linux/amd64...\n")
	fmt.Fprintf(stdout, "\nBinary size, -trimpath -ldflags=\"-s -w\", CGO_ENABLED=0\n\n")
	tw = tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "function\tlinux/arm64\tlinux/amd64\tarm64, lambda.norpc\tamd64, lambda.norpc\t")
	for _, f := range []struct{ name, pkg string }{{"skill", o.skill}, {"baseline", o.baseline}} {
		var cells []string
		for _, tags := range [][]string{nil, {"lambda.norpc"}} {
			for _, arch := range []string{"arm64", "amd64"} {
				out := filepath.Join(tmp, fmt.Sprintf("%s-%s-%d", f.name, arch, len(tags)))
				if err := build(ctx, f.pkg, out, "linux", arch, buildMode{tags: tags}); err != nil {
					return err
				}
				fi, err := os.Stat(out)
				if err != nil {
					return err
				}
				cells = append(cells, mib(fi.Size()))
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t\n", f.name, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// build compiles pkg (relative to the examples module) into out, for goos
// and goarch ("" = this machine's), stripped.
func build(ctx context.Context, pkg, out, goos, goarch string, mode buildMode) error {
	args := []string{"build", "-o", out}
	env := os.Environ()
	switch mode.test {
	case "":
		// As deployed: the template's build.
		args = append(args, "-trimpath", "-ldflags=-s -w")
		env = append(env, "CGO_ENABLED=0")
	case "race":
		args = append(args, "-race")
	}
	if len(mode.tags) > 0 {
		args = append(args, "-tags", strings.Join(mode.tags, ","))
	}
	cmd := exec.CommandContext(ctx, "go", append(args, pkg)...)
	cmd.Env = env
	if goos != "" {
		cmd.Env = append(cmd.Env, "GOOS="+goos, "GOARCH="+goarch)
	}
	if os.Getenv("GOWORK") == "" {
		cmd.Env = append(cmd.Env, "GOWORK=off")
	}
	dir, err := moduleDir(ctx)
	if err != nil {
		return err
	}
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, stderr.String())
	}
	return nil
}

// moduleDir returns the directory of the main module (examples), which
// the package paths are relative to.
func moduleDir(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("coldstart must run inside the examples module (go env GOMOD: %q, %v)", gomod, err)
	}
	return filepath.Dir(gomod), nil
}

// lambdaEnvironment is what Lambda sets for every function, less the
// Runtime API address, and static credentials.
func lambdaEnvironment(name string) []string {
	return []string{
		"AWS_LAMBDA_FUNCTION_NAME=" + name,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + name,
		"AWS_LAMBDA_LOG_STREAM_NAME=2025/01/01/[$LATEST]coldstart",
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_EXECUTION_ENV=AWS_Lambda_provided.al2023",
		"_HANDLER=bootstrap",
		"LAMBDA_TASK_ROOT=/var/task",
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=AKIDCOLDSTART",
		"AWS_SECRET_ACCESS_KEY=coldstart-secret-key",
		"AWS_SESSION_TOKEN=coldstart-session-token",
		"AWS_EC2_METADATA_DISABLED=true",
		"TZ=:UTC",
	}
}

// skillEnvironment is the skill's environment as examples/template.yaml
// sets it, pointed at the fake cloud.
func skillEnvironment(c *fakeCloud) []string {
	env := append(lambdaEnvironment("smartlight-skill"),
		"AWS_ENDPOINT_URL="+c.URL,
		"IOT_DATA_ENDPOINT="+c.URL,
		"DASH_REPLENISHMENT=enabled",
		"DASH_REPLENISHMENT_ID=arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84",
		"ALEXA_REGION=NA",
		"LWA_CLIENT_ID="+fakeLWAClientID,
		"LWA_CLIENT_SECRET_PARAMETER=/smartlight/lwa-client-secret",
		"GRANTS_TABLE=smartlight-grants",
		"GRANTS_FUNCTION=smartlight-grants",
		"GRANTS_KEYRING_PARAMETER=",
		"AUTH_ISSUER="+c.Issuer,
		"AUTH_ALEXA_CLIENT_IDS="+fakeAlexaClientID,
		"LOG_LEVEL=info",
	)
	if c.CAFile != "" {
		// The function trusts the fake's certificate for its AWS calls
		// and its JWKS fetch as it would a proxy's (AWS_CA_BUNDLE), and
		// the system's roots include it, for the calls verified against
		// them (-env AWS_CA_BUNDLE= measures that path).
		env = append(env, "AWS_CA_BUNDLE="+c.CAFile, "SSL_CERT_FILE="+c.CAFile)
	}
	return env
}

// directive returns the event of the first invocation: an Alexa directive
// with a scope token of the fake user.
func directive(c *fakeCloud, name string, cookie bool) ([]byte, error) {
	token, err := c.Token()
	if err != nil {
		return nil, err
	}
	scope := map[string]string{"type": "BearerToken", "token": token}
	header := map[string]string{"payloadVersion": "3", "messageId": newID()}
	d := map[string]any{"header": header, "payload": map[string]any{}}
	switch name {
	case "discover":
		header["namespace"], header["name"] = "Alexa.Discovery", "Discover"
		d["payload"] = map[string]any{"scope": scope}
	case "turnon", "reportstate":
		if len(c.Things) == 0 {
			return nil, errors.New("-directive " + name + " needs at least one device")
		}
		header["namespace"], header["name"], header["correlationToken"] = "Alexa.PowerController", "TurnOn", newID()
		if name == "reportstate" {
			header["namespace"], header["name"] = "Alexa", "ReportState"
		}
		// The cookie the skill's discovery gives the endpoint, which Alexa
		// echoes in every directive to it.
		e := map[string]any{"scope": scope, "endpointId": c.Things[0].SerialNumber, "cookie": map[string]string{}}
		if cookie {
			e["cookie"] = light.Cookie(c.Things[0].Name)
		}
		d["endpoint"] = e
	}
	return json.Marshal(map[string]any{"directive": d})
}

// checkReply checks that the skill answered the directive as it should:
// Discover.Response with every device, Response, or StateReport. It never prints the
// reply, which holds the scope token.
func checkReply(reply []byte, directive string, devices int) error {
	var r struct {
		Event struct {
			Header  struct{ Namespace, Name string } `json:"header"`
			Payload struct {
				Type, Message string
				Endpoints     []json.RawMessage `json:"endpoints"`
			} `json:"payload"`
		} `json:"event"`
	}
	if err := json.Unmarshal(reply, &r); err != nil {
		return fmt.Errorf("the reply is not an Alexa event: %w", err)
	}
	h, p := r.Event.Header, r.Event.Payload
	if h.Name == "ErrorResponse" {
		return fmt.Errorf("the skill answered %s.ErrorResponse %s: %s", h.Namespace, p.Type, p.Message)
	}
	switch {
	case directive == "discover" && (h.Namespace != "Alexa.Discovery" || h.Name != "Discover.Response" || len(p.Endpoints) != devices):
		return fmt.Errorf("the skill answered %s.%s with %d endpoints, want Alexa.Discovery.Discover.Response with %d", h.Namespace, h.Name, len(p.Endpoints), devices)
	case directive == "turnon" && (h.Namespace != "Alexa" || h.Name != "Response"):
		return fmt.Errorf("the skill answered %s.%s, want Alexa.Response", h.Namespace, h.Name)
	case directive == "reportstate" && (h.Namespace != "Alexa" || h.Name != "StateReport"):
		return fmt.Errorf("the skill answered %s.%s, want Alexa.StateReport", h.Namespace, h.Name)
	}
	return nil
}

// sample is one measured start.
type sample struct {
	// Answer is from the process start to the full answer; Init to the
	// function's first poll for an event.
	Answer, Init time.Duration
	// CPU is the CPU time the process used by its answer (-1 where it
	// is not measured).
	CPU time.Duration
	// Faults counts the process's minor page faults, to its end (-1
	// where the system does not report them).
	Faults int64
	Reply  []byte
	Log    string
}

// measure starts bin as Lambda would, with env, serves it event through a
// fake Runtime API, and times its answer. The process is killed once it
// answered.
func measure(ctx context.Context, bin string, env []string, event []byte, timeout time.Duration) (sample, error) {
	api, err := newRuntimeAPI(event, newID())
	if err != nil {
		return sample{}, err
	}
	defer api.Close()
	var log bytes.Buffer
	cmd := exec.Command(bin)
	cmd.Env = append(slices.Clip(env), "AWS_LAMBDA_RUNTIME_API="+api.Addr())
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.Dir = filepath.Dir(bin)
	exited := make(chan error, 1)

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	select {
	case res := <-api.Result():
		cpu := cpuTime(cmd.Process.Pid)
		stop()
		if res.Err != nil {
			return sample{}, fmt.Errorf("%w\n%s", res.Err, truncate(log.String(), 2000))
		}
		s := sample{Answer: res.At.Sub(start), CPU: cpu, Faults: minorFaults(cmd.ProcessState), Reply: res.Body, Log: log.String()}
		if !res.NextAt.IsZero() {
			s.Init = res.NextAt.Sub(start)
		}
		return s, nil
	case err := <-exited:
		return sample{}, fmt.Errorf("the process exited before answering (%v)\n%s", err, truncate(log.String(), 2000))
	case <-time.After(timeout):
		stop()
		return sample{}, fmt.Errorf("no answer within %s\n%s", timeout, truncate(log.String(), 2000))
	case <-ctx.Done():
		stop()
		return sample{}, ctx.Err()
	}
}

// measured returns the median (nearest rank) of f over the runs, or -1
// if there are none or f was not measured for one of them (it is -1
// there): the page faults and the CPU times.
func measured[T int64 | time.Duration](runs []sample, f func(sample) T) T {
	v := make([]T, 0, len(runs))
	for _, s := range runs {
		if f(s) < 0 {
			return -1
		}
		v = append(v, f(s))
	}
	if len(v) == 0 {
		return -1
	}
	slices.Sort(v)
	return v[(len(v)+1)/2-1]
}

func faults(s sample) int64      { return s.Faults }
func cpu(s sample) time.Duration { return s.CPU }

// durations returns f of every sample, sorted.
func durations(runs []sample, f func(sample) time.Duration) []time.Duration {
	out := make([]time.Duration, len(runs))
	for i, s := range runs {
		out[i] = f(s)
	}
	slices.Sort(out)
	return out
}

// pairedRatio returns the median (nearest rank) of skill[i]/base[i] of the
// answers: the two starts of iteration i ran one after the other.
func pairedRatio(skill, base []sample) float64 {
	var r []float64
	for i := range min(len(skill), len(base)) {
		if base[i].Answer > 0 {
			r = append(r, float64(skill[i].Answer)/float64(base[i].Answer))
		}
	}
	if len(r) == 0 {
		return 0
	}
	slices.Sort(r)
	return r[max(int(math.Ceil(0.5*float64(len(r)))), 1)-1]
}

// percentile returns the p-th percentile of sorted by the nearest-rank
// method: the smallest value with at least p % of the values at or below it.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func mib(n int64) string { return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20)) }

// newID returns a random v4 UUID.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
