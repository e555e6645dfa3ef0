// Package kindconfig reads a kind cluster configuration the way `kind create cluster --config` does
// (strict decoding into kind's v1alpha4 Cluster: an unknown or misspelt field is an error) and checks
// what kind validates before creating nodes: roles, port mappings, and a control plane.
package kindconfig

import (
	"bytes"
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// Report is the decoded cluster, or why it is not a valid one.
type Report struct {
	File    string            `json:"file"`
	Error   string            `json:"error,omitempty"`
	Cluster *v1alpha4.Cluster `json:"cluster,omitempty"`
}

// Check decodes and validates one kind config file.
func Check(file string) *Report {
	report := &Report{File: file}
	raw, err := os.ReadFile(file)
	if err != nil {
		report.Error = err.Error()
		return report
	}
	cluster := &v1alpha4.Cluster{}
	decoder := yaml.NewDecoder(bytes.NewReader(raw))
	decoder.KnownFields(true)
	if err := decoder.Decode(cluster); err != nil {
		report.Error = fmt.Sprintf("unable to decode config: %v", err)
		return report
	}
	if cluster.APIVersion != "kind.x-k8s.io/v1alpha4" || cluster.Kind != "Cluster" {
		report.Error = fmt.Sprintf("apiVersion/kind must be kind.x-k8s.io/v1alpha4/Cluster, not %s/%s", cluster.APIVersion, cluster.Kind)
		return report
	}
	v1alpha4.SetDefaultsCluster(cluster)
	report.Cluster = cluster
	if err := validate(cluster); err != nil {
		report.Error = err.Error()
	}
	return report
}

func validate(cluster *v1alpha4.Cluster) error {
	controlPlanes := 0
	hostPorts := map[string]int{}
	for i, node := range cluster.Nodes {
		switch node.Role {
		case v1alpha4.ControlPlaneRole:
			controlPlanes++
		case v1alpha4.WorkerRole:
		default:
			return fmt.Errorf("nodes[%d]: role %q is neither control-plane nor worker", i, node.Role)
		}
		for j, mapping := range node.ExtraPortMappings {
			if mapping.ContainerPort < 1 || mapping.ContainerPort > 65535 {
				return fmt.Errorf("nodes[%d].extraPortMappings[%d]: containerPort %d is out of range", i, j, mapping.ContainerPort)
			}
			if mapping.HostPort < -1 || mapping.HostPort > 65535 {
				return fmt.Errorf("nodes[%d].extraPortMappings[%d]: hostPort %d is out of range", i, j, mapping.HostPort)
			}
			switch mapping.Protocol {
			case v1alpha4.PortMappingProtocolTCP, v1alpha4.PortMappingProtocolUDP, v1alpha4.PortMappingProtocolSCTP:
			default:
				return fmt.Errorf("nodes[%d].extraPortMappings[%d]: protocol %q is not TCP, UDP or SCTP", i, j, mapping.Protocol)
			}
			if mapping.HostPort > 0 {
				key := fmt.Sprintf("%s/%s:%d", mapping.Protocol, mapping.ListenAddress, mapping.HostPort)
				hostPorts[key]++
				if hostPorts[key] > 1 {
					return fmt.Errorf("host port %s is mapped twice", key)
				}
			}
		}
	}
	if controlPlanes == 0 {
		return fmt.Errorf("a cluster needs at least one control-plane node")
	}
	return nil
}
