// Command skill is the smart light's smart home skill on AWS Lambda (the
// workshop's smartHomeSkill): Alexa invokes it with each directive. See
// package skill for what it answers, package skillapp (and awsapp, whose
// configuration it reads) and package config for its environment, and
// examples/template.yaml for its deployment.
//
// It is built by package skillapp, not awsapp.New: Go initializes every
// linked package at each cold start, and skillapp links only the parts of
// the AWS SDK a directive needs (AcceptGrant is forwarded to cmd/grants);
// and it starts its runtime loop before the router is built.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/go-alexa/smarthome/examples/smartlight/awsapp/skillapp"
)

func main() {
	ctx := context.Background()
	f, err := skillapp.Start(ctx, os.Getenv, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The router is built while the runtime loop starts and polls for the
	// first event; a failed build ends the function, as a failed start.
	go func() {
		if _, err := f.Router(ctx); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}()
	// The Function is a lambda.Handler, and so is the Router it waits
	// for: no reflection, and every domain failure is an ErrorResponse,
	// never a failed invocation.
	lambda.Start(f)
}
