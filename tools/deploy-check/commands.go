package main

import (
	"errors"
	"flag"
	"io"
	"path/filepath"

	"github.com/shop-platform/deploy-check/compose"
	"github.com/shop-platform/deploy-check/dockerfile"
	"github.com/shop-platform/deploy-check/kindconfig"
	"github.com/shop-platform/deploy-check/schemas"
	"github.com/shop-platform/deploy-check/tiltfile"
)

func flags(name string) *flag.FlagSet {
	set := flag.NewFlagSet(name, flag.ContinueOnError)
	set.SetOutput(io.Discard)
	return set
}

func runSchemas(args []string) (any, bool, error) {
	set := flags("schemas")
	swagger := set.String("swagger", "", "api/openapi-spec/swagger.json of k8s.io/kubernetes")
	out := set.String("out", "", "directory to write kubernetes/ and crds/ into")
	if err := set.Parse(args); err != nil {
		return nil, false, err
	}
	if *swagger == "" || *out == "" || set.NArg() == 0 {
		return nil, false, errors.New("need --swagger, --out and at least one CRD file")
	}
	doc, err := schemas.LoadOpenAPI(*swagger)
	if err != nil {
		return nil, false, err
	}
	count, err := doc.WriteKubernetes(filepath.Join(*out, "kubernetes"))
	if err != nil {
		return nil, false, err
	}
	meta, err := doc.ObjectMeta()
	if err != nil {
		return nil, false, err
	}
	crds, err := schemas.WriteCRDs(filepath.Join(*out, "crds"), set.Args(), meta)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"kubernetes": count, "crds": crds}, false, nil
}

func runDockerfile(args []string) (any, bool, error) {
	set := flags("dockerfile")
	context := set.String("context", ".", "the build context the Dockerfiles are built with")
	if err := set.Parse(args); err != nil {
		return nil, false, err
	}
	if set.NArg() == 0 {
		return nil, false, errors.New("need at least one Dockerfile")
	}
	reports := []*dockerfile.Report{}
	problems := false
	for _, file := range set.Args() {
		report, err := dockerfile.Check(file, *context)
		if err != nil {
			return nil, false, err
		}
		problems = problems || report.HasProblems()
		reports = append(reports, report)
	}
	return reports, problems, nil
}

func runCompose(args []string) (any, bool, error) {
	if len(args) != 1 {
		return nil, false, errors.New("need one compose file")
	}
	report, err := compose.Check(args[0])
	if err != nil {
		return nil, false, err
	}
	return report, report.Error != "", nil
}

func runKindConfig(args []string) (any, bool, error) {
	if len(args) != 1 {
		return nil, false, errors.New("need one kind cluster config")
	}
	report := kindconfig.Check(args[0])
	return report, report.Error != "", nil
}

func runTiltfile(args []string) (any, bool, error) {
	set := flags("tiltfile")
	helm := set.String("helm", "", "the helm binary Tilt's helm() runs")
	if err := set.Parse(args); err != nil {
		return nil, false, err
	}
	if set.NArg() != 1 || *helm == "" {
		return nil, false, errors.New("need --helm and one Tiltfile")
	}
	report := tiltfile.Evaluate(set.Arg(0), *helm)
	return report, len(report.Problems) > 0, nil
}
