// Command skill is the smart light's smart home skill on AWS Lambda (the
// workshop's smartHomeSkill): Alexa invokes it with each directive. See
// package skill for what it answers, package awsapp and package config for
// its environment, and examples/template.yaml for its deployment.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/go-alexa/smarthome/examples/smartlight/awsapp"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
)

func main() {
	ctx := context.Background()
	b, err := awsapp.New(ctx, config.Skill, os.Getenv, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	router, err := b.Skill(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The Router is a lambda.Handler: no reflection, and every domain
	// failure is an ErrorResponse, never a failed invocation.
	lambda.Start(router)
}
