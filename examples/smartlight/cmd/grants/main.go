// Command grants is the smart light's grants function on AWS Lambda: the
// skill function (cmd/skill) forwards each AcceptGrant directive to it,
// and it answers it (see package grantsapp for what it needs, and
// examples/template.yaml for its deployment). Alexa never invokes it.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/go-alexa/smarthome/examples/smartlight/awsapp/grantsapp"
)

func main() {
	ctx := context.Background()
	router, err := grantsapp.New(ctx, os.Getenv, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lambda.Start(router)
}
