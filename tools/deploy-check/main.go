// deploy-check: the offline checks of the platform's deployment files that have no ready-made tool
// here. Each subcommand prints a JSON report on stdout and exits 1 when it found a problem, 2 when it
// could not run.
//
//	deploy-check schemas --swagger swagger.json --out DIR crd.yaml...   Kubernetes and CRD JSON schemas for kubeconform
//	deploy-check dockerfile --context DIR Dockerfile...                  BuildKit's parser and lint rules, .dockerignore
//	deploy-check compose FILE                                            the Compose specification loader
//	deploy-check kind-config FILE                                        kind's v1alpha4 Cluster, strictly
//	deploy-check tiltfile --helm HELM Tiltfile                           the Tiltfile evaluated with recorded Tilt calls
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

type command func(args []string) (report any, problems bool, err error)

var commands = map[string]command{
	"schemas":     runSchemas,
	"dockerfile":  runDockerfile,
	"compose":     runCompose,
	"kind-config": runKindConfig,
	"tiltfile":    runTiltfile,
}

func main() {
	if len(os.Args) < 2 || commands[os.Args[1]] == nil {
		fmt.Fprintln(os.Stderr, "usage: deploy-check schemas|dockerfile|compose|kind-config|tiltfile ...")
		os.Exit(2)
	}
	report, problems, err := commands[os.Args[1]](os.Args[2:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "deploy-check %s: %v\n", os.Args[1], err)
		os.Exit(2)
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(report); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if problems {
		os.Exit(1)
	}
}
