package alexa

// The *_gen.go files are generated from the table of alexa/internal/capgen.
//go:generate go run ./internal/capgen/cmd/capgen
