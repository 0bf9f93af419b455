package awsapp_test

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/examples/smartlight/awsqueue"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
)

// node is a YAML node of examples/template.yaml, read with CloudFormation's
// short tags (!Ref, !GetAtt) kept as the nodes' tags.
type node struct{ *yaml.Node }

func loadTemplate(t *testing.T) node {
	t.Helper()
	b, err := os.ReadFile("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return node{doc.Content[0]}
}

// get follows a path of mapping keys; a missing key gives a nil node.
func (n node) get(path ...string) node {
	cur := n.Node
	for _, k := range path {
		if cur == nil || cur.Kind != yaml.MappingNode {
			return node{}
		}
		var next *yaml.Node
		for i := 0; i+1 < len(cur.Content); i += 2 {
			if cur.Content[i].Value == k {
				next = cur.Content[i+1]
			}
		}
		cur = next
	}
	return node{cur}
}

// items returns a sequence's or mapping's child nodes; nil for others.
func (n node) items() []*yaml.Node {
	if n.Node == nil {
		return nil
	}
	return n.Content
}

func (n node) str() string {
	if n.Node == nil {
		return ""
	}
	return n.Value
}

func (n node) num(t *testing.T) int {
	t.Helper()
	v, err := strconv.Atoi(n.str())
	if err != nil {
		t.Fatalf("line %d: %q is not a number", n.line(), n.str())
	}
	return v
}

func (n node) line() int {
	if n.Node == nil {
		return 0
	}
	return n.Line
}

// list returns a sequence's scalar items (a scalar is a list of one), with
// their tags: "!GetAtt X.Arn", "!Ref X", "sqs:SendMessage".
func (n node) list() []string {
	if n.Node == nil {
		return nil
	}
	items := []*yaml.Node{n.Node}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var out []string
	for _, it := range items {
		if strings.HasPrefix(it.Tag, "!") && it.Tag != "!!str" {
			out = append(out, it.Tag+" "+it.Value)
		} else {
			out = append(out, it.Value)
		}
	}
	return out
}

// TestTemplateFleet checks the large-fleet resources of
// examples/template.yaml against what the code needs: the queues and
// their dead-letter queues, the worker's event sources, timeouts and
// permissions, and the throttle table.
func TestTemplateFleet(t *testing.T) {
	t.Parallel()
	tpl := loadTemplate(t)
	res := tpl.get("Resources")
	worker := res.get("HeartbeatWorkerFunction")
	if worker.get("Type").str() != "AWS::Serverless::Function" || worker.get("Properties", "CodeUri").str() != "smartlight/cmd/updates" {
		t.Fatal("no HeartbeatWorkerFunction running cmd/updates")
	}
	wp := worker.get("Properties")
	timeout := wp.get("Timeout").num(t)
	if timeout > 900 {
		t.Errorf("worker Timeout %d s: Lambda allows at most 900", timeout)
	}
	reserved := wp.get("ReservedConcurrentExecutions").num(t)
	if reserved < 1 {
		t.Errorf("worker ReservedConcurrentExecutions %d", reserved)
	}
	env := wp.get("Environment", "Variables")
	if d, err := time.ParseDuration(env.get("SHARD_WORKER_TIMEOUT").str()); err != nil || d != time.Duration(timeout)*time.Second {
		t.Errorf("worker SHARD_WORKER_TIMEOUT %q, want its Timeout (%d s)", env.get("SHARD_WORKER_TIMEOUT").str(), timeout)
	}

	queues := map[string]struct {
		dlq       string
		event     string
		batchSize int
		envVar    string
	}{
		"HeartbeatShards": {"HeartbeatShardsDeadLetters", "Shards", 1, "SHARD_QUEUE_URL"},
		"EventsOutbox":    {"EventsOutboxDeadLetters", "Outbox", 10, "OUTBOX_QUEUE_URL"},
	}
	concurrency := 0
	for name, q := range queues {
		qp := res.get(name, "Properties")
		if res.get(name, "Type").str() != "AWS::SQS::Queue" || res.get(q.dlq, "Type").str() != "AWS::SQS::Queue" {
			t.Errorf("%s or its dead-letter queue %s is not an SQS queue", name, q.dlq)
			continue
		}
		if vt := qp.get("VisibilityTimeout").num(t); vt < timeout {
			t.Errorf("%s VisibilityTimeout %d s < the worker's timeout %d s (AWS refuses the event source mapping)", name, vt, timeout)
		}
		if size := qp.get("MaximumMessageSize").num(t); size != awsqueue.MaxBatchBytes {
			t.Errorf("%s MaximumMessageSize %d, want %d (awsqueue.MaxBatchBytes)", name, size, awsqueue.MaxBatchBytes)
		}
		rp := qp.get("RedrivePolicy")
		if got := rp.get("deadLetterTargetArn").list(); !slices.Equal(got, []string{"!GetAtt " + q.dlq + ".Arn"}) {
			t.Errorf("%s redrives to %v, want %s", name, got, q.dlq)
		}
		if n := rp.get("maxReceiveCount").num(t); n < 2 {
			t.Errorf("%s maxReceiveCount %d", name, n)
		}
		if got := env.get(q.envVar).list(); !slices.Equal(got, []string{"!Ref " + name}) {
			t.Errorf("worker %s = %v, want !Ref %s", q.envVar, got, name)
		}
		ev := wp.get("Events", q.event)
		if ev.get("Type").str() != "SQS" || !slices.Equal(ev.get("Properties", "Queue").list(), []string{"!GetAtt " + name + ".Arn"}) {
			t.Errorf("worker event %s is not the SQS queue %s", q.event, name)
			continue
		}
		if bs := ev.get("Properties", "BatchSize").num(t); bs != q.batchSize {
			t.Errorf("worker event %s BatchSize %d, want %d", q.event, bs, q.batchSize)
		}
		if !slices.Contains(ev.get("Properties", "FunctionResponseTypes").list(), "ReportBatchItemFailures") {
			t.Errorf("worker event %s without FunctionResponseTypes [ReportBatchItemFailures]: HandleSQS's partial failures would be ignored", q.event)
		}
		concurrency += ev.get("Properties", "ScalingConfig", "MaximumConcurrency").num(t)
	}
	if concurrency > reserved {
		t.Errorf("the event sources' MaximumConcurrency add up to %d, more than the reserved %d: Lambda would throttle the pollers", concurrency, reserved)
	}

	// The worker's permissions.
	resources := map[string][]string{}
	for _, st := range wp.get("Policies").items() {
		for _, s := range (node{st}).get("Statement").items() {
			for _, a := range (node{s}).get("Action").list() {
				resources[a] = append(resources[a], node{s}.get("Resource").list()...)
			}
		}
	}
	for _, a := range []string{"sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"} {
		if !slices.Contains(resources[a], "!GetAtt HeartbeatShards.Arn") || !slices.Contains(resources[a], "!GetAtt EventsOutbox.Arn") {
			t.Errorf("the worker lacks %s on both queues (has %v)", a, resources[a])
		}
	}
	if !slices.Contains(wp.get("Policies").list(), "!Ref ThrottlePolicy") {
		t.Error("the worker lacks the ThrottlePolicy")
	}
	var throttleActions []string
	for _, s := range res.get("ThrottlePolicy", "Properties", "PolicyDocument", "Statement").items() {
		if st := (node{s}); slices.Equal(st.get("Resource").list(), []string{"!GetAtt ThrottleTable.Arn"}) {
			throttleActions = append(throttleActions, st.get("Action").list()...)
		}
	}
	slices.Sort(throttleActions)
	if !slices.Equal(throttleActions, []string{"dynamodb:GetItem", "dynamodb:UpdateItem"}) {
		t.Errorf("ThrottlePolicy allows %v on the throttle table, want GetItem and UpdateItem (dynamostore.Throttle)", throttleActions)
	}
	keys := res.get("ThrottleTable", "Properties", "KeySchema")
	if k := keys.items(); len(k) != 1 || (node{k[0]}).get("AttributeName").str() != "id" {
		t.Error("ThrottleTable's key is not id (dynamostore.DefaultThrottleKeyAttribute)")
	}

	// The functions that send events put in the outbox and share the
	// throttle; the planner enqueues shards sized for the worker.
	for _, fn := range []string{"UpdatesFunction", "DevicesApiFunction", "HeartbeatWorkerFunction"} {
		p := res.get(fn, "Properties")
		v := p.get("Environment", "Variables")
		if !slices.Equal(v.get("OUTBOX_QUEUE_URL").list(), []string{"!Ref EventsOutbox"}) || !slices.Equal(v.get("THROTTLE_TABLE").list(), []string{"!Ref ThrottleTable"}) {
			t.Errorf("%s lacks OUTBOX_QUEUE_URL or THROTTLE_TABLE", fn)
		}
		if !slices.Contains(p.get("Policies").list(), "!Ref ThrottlePolicy") {
			t.Errorf("%s lacks the ThrottlePolicy", fn)
		}
	}
	up := res.get("UpdatesFunction", "Properties", "Environment", "Variables")
	if !slices.Equal(up.get("SHARD_QUEUE_URL").list(), []string{"!Ref HeartbeatShards"}) || up.get("SHARD_WORKER_TIMEOUT").str() != env.get("SHARD_WORKER_TIMEOUT").str() {
		t.Error("UpdatesFunction does not plan on HeartbeatShards with the worker's timeout")
	}

	// The values are ones config accepts.
	vals := map[string]string{"LWA_CLIENT_ID": "a", "LWA_CLIENT_SECRET": "b",
		"SHARD_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/shards", "OUTBOX_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/outbox",
		"THROTTLE_TABLE": "throttle", "SHARD_WORKER_TIMEOUT": env.get("SHARD_WORKER_TIMEOUT").str(), "SHARD_REMAINDER_DELAY": env.get("SHARD_REMAINDER_DELAY").str()}
	cfg, err := config.Load(config.Updates, func(k string) string { return vals[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Fleet.ShardRemainderDelay > awsqueue.MaxDelay {
		t.Errorf("SHARD_REMAINDER_DELAY %s is more than SQS's %s", cfg.Fleet.ShardRemainderDelay, awsqueue.MaxDelay)
	}
	// An outbox event kept is received again after the visibility
	// timeout; the redrive gives it longer than events.DefaultMaxAge, so
	// that a late state is replaced by the current one, not dropped.
	outbox := res.get("EventsOutbox", "Properties")
	if tries := time.Duration(outbox.get("RedrivePolicy", "maxReceiveCount").num(t)*outbox.get("VisibilityTimeout").num(t)) * time.Second; tries <= events.DefaultMaxAge {
		t.Errorf("the outbox's redrive gives an event %s, not more than events.DefaultMaxAge", tries)
	}
}
