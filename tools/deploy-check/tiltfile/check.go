package tiltfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// check derives Tilt's resources from the recorded calls and reports what Tilt would refuse or
// warn about at start.
func (e *evaluator) check() {
	e.checkFiles()
	e.checkImages()
	resources := e.deriveResources()
	names := map[string]bool{}
	for _, resource := range resources {
		if names[resource.Name] {
			e.problem("two resources are named %q", resource.Name)
		}
		names[resource.Name] = true
	}
	for _, resource := range resources {
		for _, dep := range resource.ResourceDeps {
			if !names[dep] {
				e.problem("resource %q depends on %q, which is not a resource", resource.Name, dep)
			}
		}
	}
	e.report.Resources = resources
}

// checkFiles: every local path a call names must exist (Tilt fails or watches nothing otherwise).
func (e *evaluator) checkFiles() {
	exists := func(call Call, what, path string) {
		if _, err := os.Stat(e.path(path)); err != nil {
			e.problem("%s at %s: %s %q does not exist", call.Function, call.Position, what, path)
		}
	}
	for _, call := range e.callsOf("docker_build") {
		context, _ := call.Args["context"].(string)
		exists(call, "context", context)
		dockerfile, _ := call.Args["dockerfile"].(string)
		if dockerfile == "" {
			dockerfile = filepath.Join(context, "Dockerfile")
		}
		exists(call, "dockerfile", dockerfile)
		e.checkLiveUpdate(call, context)
	}
	for _, call := range e.callsOf("helm") {
		for _, chart := range stringList(call.Args["paths"]) {
			exists(call, "chart", chart)
		}
		for _, values := range stringList(call.Args["values"]) {
			exists(call, "values file", values)
		}
	}
	for _, call := range e.callsOf("local_resource") {
		for _, dep := range stringList(call.Args["deps"]) {
			exists(call, "dep", dep)
		}
	}
	for _, call := range e.callsOf("watch_file") {
		path, _ := call.Args["file_path"].(string)
		exists(call, "file", path)
	}
}

// checkLiveUpdate: steps come as fall_back_on*, sync*, run*; synced paths lie inside the build
// context (Tilt cannot map them into the image otherwise) and exist.
func (e *evaluator) checkLiveUpdate(call Call, context string) {
	steps, _ := call.Args["live_update"].([]any)
	order := map[string]int{"fall_back_on": 0, "sync": 1, "run": 2, "restart_container": 3}
	last := 0
	contextDir := e.path(context)
	for _, raw := range steps {
		item, _ := raw.(map[string]any)
		kind, _ := item["step"].(string)
		rank, known := order[kind]
		if !known {
			e.problem("docker_build(%v) at %s: live_update holds %v, which is not a live update step", call.Args["ref"], call.Position, raw)
			continue
		}
		if rank < last {
			e.problem("docker_build(%v) at %s: live_update step %s comes after a later kind of step", call.Args["ref"], call.Position, kind)
		}
		last = rank
		args, _ := item["args"].(map[string]any)
		switch kind {
		case "sync":
			local, _ := args["local_path"].(string)
			if _, err := os.Stat(e.path(local)); err != nil {
				e.problem("docker_build(%v): sync source %q does not exist", call.Args["ref"], local)
			}
			relative, err := filepath.Rel(contextDir, e.path(local))
			if err != nil || strings.HasPrefix(relative, "..") {
				e.problem("docker_build(%v): sync source %q is outside the build context %q", call.Args["ref"], local, context)
			}
		case "fall_back_on":
			for _, file := range stringList(args["files"]) {
				if _, err := os.Stat(e.path(file)); err != nil {
					e.problem("docker_build(%v): fall_back_on file %q does not exist", call.Args["ref"], file)
				}
			}
		}
	}
}

// checkImages: an image built but used by no registered object is never deployed (Tilt warns), and
// Tilt matches a built image to a container image by repository name, ignoring the tag.
func (e *evaluator) checkImages() {
	used := map[string]bool{}
	for _, object := range e.objects {
		for _, image := range object.Images {
			used[repositoryOf(image)] = true
		}
	}
	for _, call := range e.callsOf("docker_build") {
		ref, _ := call.Args["ref"].(string)
		if !used[repositoryOf(ref)] {
			e.problem("docker_build(%q) at %s: no registered object runs this image", ref, call.Position)
		}
	}
}

func repositoryOf(image string) string {
	if at := strings.Index(image, "@"); at >= 0 {
		image = image[:at]
	}
	if colon := strings.LastIndex(image, ":"); colon > strings.LastIndex(image, "/") {
		image = image[:colon]
	}
	return image
}

func (e *evaluator) deriveResources() []Resource {
	var resources []Resource
	// k8s_resource(workload=...) names a workload, or a resource made by helm_resource, which Tilt
	// configures the same way (port forwards, links, labels).
	index := map[string]int{}
	for _, object := range e.objects {
		if !workloadKinds[object.Kind] {
			continue
		}
		name := strings.ToLower(object.Name)
		index[name] = len(resources)
		resources = append(resources, newResource(name, "k8s", object.Kind+"/"+object.Name))
	}
	for _, kind := range []string{"local_resource", "helm_repo", "helm_resource"} {
		for _, call := range e.callsOf(kind) {
			name, _ := call.Args["resource_name"].(string)
			if name == "" {
				name, _ = call.Args["name"].(string)
			}
			resource := newResource(name, kind, "")
			applyCommon(&resource, call.Args)
			if kind == "helm_resource" {
				index[name] = len(resources)
			}
			resources = append(resources, resource)
		}
	}
	for _, call := range e.callsOf("k8s_resource") {
		workload, _ := call.Args["workload"].(string)
		var resource *Resource
		if workload != "" {
			i, ok := index[e.workloadName(workload)]
			if !ok {
				e.problem("k8s_resource at %s: no workload %q was registered with k8s_yaml or helm_resource", call.Position, workload)
				continue
			}
			resource = &resources[i]
		} else {
			newName, _ := call.Args["new_name"].(string)
			if newName == "" || call.Args["objects"] == nil {
				e.problem("k8s_resource at %s: without a workload it needs new_name and objects", call.Position)
				continue
			}
			resources = append(resources, newResource(newName, "k8s", ""))
			resource = &resources[len(resources)-1]
		}
		for _, selector := range stringList(call.Args["objects"]) {
			if !e.objectExists(selector) {
				e.problem("k8s_resource at %s: no registered object matches %q", call.Position, selector)
			}
			resource.Objects = append(resource.Objects, selector)
		}
		if newName, _ := call.Args["new_name"].(string); newName != "" {
			resource.Name = newName
		}
		applyCommon(resource, call.Args)
		resource.PortForwards = append(resource.PortForwards, portForwards(call.Args["port_forwards"])...)
	}
	return resources
}

func newResource(name, kind, workload string) Resource {
	return Resource{Name: name, Type: kind, Workload: workload, Labels: []string{}, ResourceDeps: []string{}, TriggerMode: "auto", AutoInit: true}
}

// workloadName accepts Tilt's selector forms "name" and "name:kind[:namespace]".
func (e *evaluator) workloadName(selector string) string {
	return strings.ToLower(strings.Split(selector, ":")[0])
}

func (e *evaluator) objectExists(selector string) bool {
	parts := strings.Split(strings.ToLower(selector), ":")
	for _, object := range e.objects {
		if strings.ToLower(object.Name) != parts[0] {
			continue
		}
		if len(parts) > 1 && strings.ToLower(object.Kind) != parts[1] {
			continue
		}
		if len(parts) > 2 && strings.ToLower(object.Namespace) != parts[2] {
			continue
		}
		return true
	}
	return false
}

func applyCommon(resource *Resource, args map[string]any) {
	if labels := stringList(args["labels"]); labels != nil {
		resource.Labels = labels
	}
	if deps := stringList(args["resource_deps"]); deps != nil {
		resource.ResourceDeps = deps
	}
	if mode, ok := args["trigger_mode"].(string); ok {
		resource.TriggerMode = mode
	}
	if autoInit, ok := args["auto_init"].(bool); ok {
		resource.AutoInit = autoInit
	}
}

func portForwards(value any) []string {
	var out []string
	items, isList := value.([]any)
	if !isList && value != nil {
		items = []any{value}
	}
	for _, item := range items {
		switch v := item.(type) {
		case int64:
			out = append(out, fmt.Sprintf("%d", v))
		case string:
			out = append(out, v)
		case map[string]any:
			args, _ := v["args"].(map[string]any)
			out = append(out, fmt.Sprintf("%v:%v", args["local_port"], args["container_port"]))
		}
	}
	return out
}
