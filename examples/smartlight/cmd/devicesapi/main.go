// Command devicesapi is the smart light's devices API on AWS Lambda (the
// workshop's webBackend), behind an API Gateway HTTP API: the owner's app
// lists, claims, renames, switches and removes lights; with WEBAPP_* set,
// it also serves the web app (package webapp) at the root. See package
// devicesapi for the API, and package awsapp and package config for its
// environment.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/go-alexa/smarthome/examples/smartlight/awsapp"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
	"github.com/go-alexa/smarthome/examples/smartlight/lambdahttp"
)

func main() {
	ctx := context.Background()
	b, err := awsapp.New(ctx, config.DevicesAPI, os.Getenv, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	api, err := b.DevicesAPI(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	web, err := b.WebApp()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var h http.Handler = api
	if web != nil {
		h = awsapp.Compose(api, web)
	}
	serve := lambdahttp.Handler(h)
	lambda.Start(func(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		resp, err := serve(ctx, e)
		// Before the sandbox may freeze: save any refreshed grant whose
		// save failed, so no rotated refresh token is lost.
		if ferr := b.Grants.Flush(ctx); ferr != nil {
			b.Logger.ErrorContext(ctx, "devicesapi: refreshed grants still not saved", "error", ferr.Error())
		}
		return resp, err
	})
}
