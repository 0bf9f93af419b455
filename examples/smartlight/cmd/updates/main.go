// Command updates is the smart light's updates function on AWS Lambda (the
// workshop's asyncUpdates): the IoT rule invokes it with every accepted
// shadow update, and a schedule twice a day for the Dash Replenishment
// heartbeat; with a shard queue, the same program is also the heartbeat
// worker, invoked by SQS with shards and with the events outbox's
// messages (it returns their partial batch failures). See
// updates.Updates.Invoke for what it does with each, and package awsapp
// and package config for its environment.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/go-alexa/smarthome/examples/smartlight/awsapp"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
)

func main() {
	ctx := context.Background()
	b, err := awsapp.New(ctx, config.Updates, os.Getenv, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	u, err := b.Updates()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lambda.Start(func(ctx context.Context, event json.RawMessage) (*lambdaevents.SQSEventResponse, error) {
		resp, err := u.Invoke(ctx, event)
		// Before the sandbox may freeze: save any refreshed grant whose
		// save failed, so no rotated refresh token is lost.
		if ferr := b.Grants.Flush(ctx); ferr != nil && err == nil {
			err = ferr
		}
		return resp, err
	})
}
