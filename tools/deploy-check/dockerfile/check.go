// Package dockerfile checks a Dockerfile offline: BuildKit's own parser and lint rules (the checks of
// `docker build --check`), COPY sources against the build context and its .dockerignore, and a
// summary of every stage for the policy assertions of the test suite.
package dockerfile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/solver/pb"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Finding is one problem, located by line when the linter says where.
type Finding struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
}

// Stage summarises one build stage.
type Stage struct {
	Name        string   `json:"name"`
	Base        string   `json:"base"`
	User        string   `json:"user,omitempty"`
	Healthcheck []string `json:"healthcheck,omitempty"`
	Cmd         []string `json:"cmd,omitempty"`
	CmdIsShell  bool     `json:"cmdIsShell,omitempty"`
	Expose      []string `json:"expose,omitempty"`
	Env         []string `json:"env,omitempty"`
	Workdir     string   `json:"workdir,omitempty"`
	// Sources copied from the build context (COPY/ADD without --from).
	ContextSources []string `json:"contextSources,omitempty"`
}

// Report is everything found in one Dockerfile.
type Report struct {
	File     string    `json:"file"`
	Error    string    `json:"error,omitempty"`
	Warnings []Finding `json:"warnings"`
	Context  []Finding `json:"context"`
	Stages   []Stage   `json:"stages"`
}

// HasProblems is true when BuildKit could not read the file, a lint rule fired, or a COPY source is
// missing from the context or excluded by .dockerignore.
func (r *Report) HasProblems() bool {
	return r.Error != "" || len(r.Warnings) > 0 || len(r.Context) > 0
}

// Check lints one Dockerfile built with the given context directory.
func Check(file, contextDir string) (*Report, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	report := &Report{File: file, Warnings: []Finding{}, Context: []Finding{}, Stages: []Stage{}}

	sourceMap := llb.NewSourceMap(nil, file, "Dockerfile", data)
	// The lint report carries the source's LLB definition; a lint-only run has none to give.
	sourceMap.Definition = &llb.Definition{}
	results, err := dockerfile2llb.DockerfileLint(context.Background(), data, dockerfile2llb.ConvertOpt{
		SourceMap:    sourceMap,
		MetaResolver: offlineImages{},
	})
	if err != nil {
		return nil, err
	}
	for _, warning := range results.Warnings {
		report.Warnings = append(report.Warnings, Finding{Rule: warning.RuleName, Message: warning.Detail, Line: lineOf(warning.Location)})
	}
	if results.Error != nil {
		report.Error = results.Error.Message
		return report, nil
	}

	ast, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		report.Error = err.Error()
		return report, nil
	}
	stages, _, err := instructions.Parse(ast.AST, nil)
	if err != nil {
		report.Error = err.Error()
		return report, nil
	}
	ignored, err := dockerignore(contextDir)
	if err != nil {
		return nil, err
	}
	for _, stage := range stages {
		summary := summarise(stage)
		for _, source := range summary.ContextSources {
			if finding := checkSource(contextDir, source, ignored); finding != nil {
				report.Context = append(report.Context, *finding)
			}
		}
		report.Stages = append(report.Stages, summary)
	}
	return report, nil
}

func summarise(stage instructions.Stage) Stage {
	summary := Stage{Name: stage.Name, Base: stage.BaseName}
	for _, command := range stage.Commands {
		switch c := command.(type) {
		case *instructions.UserCommand:
			summary.User = c.User
		case *instructions.HealthCheckCommand:
			summary.Healthcheck = c.Health.Test
		case *instructions.CmdCommand:
			summary.Cmd = c.CmdLine
			summary.CmdIsShell = c.PrependShell
		case *instructions.ExposeCommand:
			summary.Expose = append(summary.Expose, c.Ports...)
		case *instructions.EnvCommand:
			for _, pair := range c.Env {
				summary.Env = append(summary.Env, pair.Key+"="+pair.Value)
			}
		case *instructions.WorkdirCommand:
			summary.Workdir = c.Path
		case *instructions.CopyCommand:
			if c.From == "" {
				summary.ContextSources = append(summary.ContextSources, c.SourcePaths...)
			}
		case *instructions.AddCommand:
			summary.ContextSources = append(summary.ContextSources, c.SourcePaths...)
		}
	}
	return summary
}

func dockerignore(contextDir string) (*patternmatcher.PatternMatcher, error) {
	file, err := os.Open(filepath.Join(contextDir, ".dockerignore"))
	if os.IsNotExist(err) {
		return patternmatcher.New(nil)
	}
	if err != nil {
		return nil, err
	}
	defer file.Close()
	patterns, err := ignorefile.ReadAll(file)
	if err != nil {
		return nil, fmt.Errorf(".dockerignore: %w", err)
	}
	return patternmatcher.New(patterns)
}

// checkSource finds the files a COPY source names in the context; it is a problem when none exists
// or when every match is excluded by .dockerignore (the build would then fail or copy nothing).
func checkSource(contextDir, source string, ignored *patternmatcher.PatternMatcher) *Finding {
	clean := filepath.Clean(strings.TrimPrefix(source, "/"))
	matches, err := filepath.Glob(filepath.Join(contextDir, clean))
	if err != nil || len(matches) == 0 {
		return &Finding{Rule: "CopySourceMissing", Message: fmt.Sprintf("%s is not in the build context", source)}
	}
	for _, match := range matches {
		relative, err := filepath.Rel(contextDir, match)
		if err != nil {
			continue
		}
		if relative == "." {
			return nil
		}
		excluded, err := ignored.MatchesOrParentMatches(filepath.ToSlash(relative))
		if err == nil && !excluded {
			return nil
		}
	}
	return &Finding{Rule: "CopyIgnoredFile", Message: fmt.Sprintf("%s is excluded by .dockerignore", source)}
}

func lineOf(location *pb.Location) int {
	if ranges := location.GetRanges(); len(ranges) > 0 {
		return int(ranges[0].GetStart().GetLine())
	}
	return 0
}

// offlineImages answers BuildKit's base-image lookups without a registry (none is reachable here):
// every base image is a non-empty Linux image with the usual PATH. Rules that read the real image
// (its platform, the variables it defines) therefore see this stand-in, not the published image.
type offlineImages struct{}

func (offlineImages) ResolveImageConfig(_ context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	platform := ocispecs.Platform{OS: "linux", Architecture: "amd64"}
	if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
		platform = *opt.ImageOpt.Platform
	}
	config := ocispecs.Image{
		Platform: platform,
		Config:   ocispecs.ImageConfig{Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}},
		RootFS:   ocispecs.RootFS{Type: "layers", DiffIDs: []digest.Digest{digest.FromString(ref)}},
	}
	data, err := json.Marshal(config)
	return ref, "", data, err
}
