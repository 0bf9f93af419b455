// Command baseline is the smallest Go Lambda function: it answers every
// invocation with the JSON document in the environment variable
// COLDSTART_REPLY, through aws-lambda-go's lambda.Start. The coldstart
// command measures it beside the skill, as the floor of a Go function's
// cold start and size.
package main

import (
	"context"
	"encoding/json"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	reply := json.RawMessage(os.Getenv("COLDSTART_REPLY"))
	if !json.Valid(reply) {
		reply = json.RawMessage(`{}`)
	}
	lambda.Start(func(_ context.Context, _ json.RawMessage) (json.RawMessage, error) {
		return reply, nil
	})
}
