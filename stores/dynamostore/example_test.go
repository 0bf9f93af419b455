package dynamostore_test

import (
	"log"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/lwa"
	"github.com/go-alexa/smarthome/stores/dynamostore"
)

// The grants of a skill's customers in a DynamoDB table, shared by every
// instance of the backend, encrypted on the client side with a key ring.
func ExampleNew() {
	awsCfg := aws.Config{Region: "eu-west-1"}                       // in a program: config.LoadDefaultConfig(ctx)
	ring, err := dynamostore.ParseKeyRing(keyRingFromSecretStore()) // "2026-12=<base64 of 32 bytes>,..."
	if err != nil {
		log.Fatal(err)
	}
	store, err := dynamostore.New(dynamostore.Config{Client: dynamodb.NewFromConfig(awsCfg), Table: "grants", Cipher: ring})
	if err != nil {
		log.Fatal(err)
	}
	m, err := lwa.NewManager(lwa.Config{ClientID: "amzn1.application-oa2-client.example", ClientSecret: alexa.Token("from a secret store"), Store: store})
	if err != nil {
		log.Fatal(err)
	}
	_ = m // the Manager's Token, Refresh and Revoke feed the events client
}

// keyRingFromSecretStore stands for reading the key ring from a secret
// store (an SSM SecureString parameter, Secrets Manager).
func keyRingFromSecretStore() string { return "2026-12=" + strings.Repeat("A", 43) + "=" }
