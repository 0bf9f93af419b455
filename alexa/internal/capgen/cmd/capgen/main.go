// Command capgen writes the files of package capgen's table into the
// current directory (package alexa's, under go generate).
package main

import (
	"fmt"
	"os"

	"github.com/go-alexa/smarthome/alexa/internal/capgen"
)

func main() {
	files, err := capgen.Generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for name, src := range files {
		if err := os.WriteFile(name, src, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
