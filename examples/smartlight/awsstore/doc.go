// Package awsstore reads the reference backend's secrets at start from
// SSM Parameter Store: the LWA client secret ([SecureParameter]) and the
// key ring of the grant store's client-side cipher ([KeyRingParameter],
// a dynamostore.AESGCM). The grants themselves live in DynamoDB through
// package github.com/go-alexa/smarthome/stores/dynamostore.
//
// # Secrets at start
//
// A function's secrets are not in its environment (the workshop kept the
// LWA client secret in a plain environment variable, S6): the environment
// names SSM Parameter Store SecureString parameters, which the function
// reads once at start with [SecureParameter] (the LWA client secret) and
// [KeyRingParameter] (the key ring of a dynamostore.AESGCM cipher).
//
// # Secrets
//
// No error of this package contains a secret: errors name the parameter,
// never its value.
//
// # Permissions
//
// [SecureParameter] needs ssm:GetParameter on the parameter and
// kms:Decrypt through SSM.
package awsstore
