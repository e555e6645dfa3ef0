// Package compose loads a Compose file with the Compose specification's reference loader: the JSON
// schema, interpolation, and the consistency checks `docker compose config` runs (services named by
// depends_on and network_mode exist, volumes and networks are declared).
package compose

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// Report is the loaded project, or why it could not be loaded.
type Report struct {
	File  string `json:"file"`
	Error string `json:"error,omitempty"`
	// The normalised services, as `docker compose config --format json` prints them.
	Services map[string]types.ServiceConfig `json:"services,omitempty"`
	Volumes  []string                       `json:"volumes,omitempty"`
	// Inline configs (content:), after interpolation.
	Configs map[string]string `json:"configs,omitempty"`
}

// Check loads the file with no variables from the environment, so every ${VAR} must have a default, and with
// every profile switched on.
func Check(file string) (*Report, error) {
	absolute, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	report := &Report{File: file}
	options, err := cli.NewProjectOptions([]string{absolute},
		cli.WithWorkingDirectory(filepath.Dir(absolute)),
		cli.WithName("shop"),
		cli.WithResolvedPaths(true),
		// Every profile's services too (Jaeger is under `observability`): each is checked and reported, with its
		// profiles in the report, as if it were switched on.
		cli.WithProfiles([]string{"*"}),
	)
	if err != nil {
		return nil, err
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		report.Error = err.Error()
		return report, nil
	}
	report.Services = map[string]types.ServiceConfig{}
	for name, service := range project.Services {
		report.Services[name] = service
		for _, volume := range service.Volumes {
			if volume.Type != types.VolumeTypeBind {
				continue
			}
			if _, err := os.Stat(volume.Source); err != nil {
				report.Error = fmt.Sprintf("service %s mounts %s, which does not exist", name, volume.Source)
			}
		}
	}
	for name := range project.Volumes {
		report.Volumes = append(report.Volumes, name)
	}
	sort.Strings(report.Volumes)
	report.Configs = map[string]string{}
	for name, config := range project.Configs {
		report.Configs[name] = config.Content
	}
	return report, nil
}
