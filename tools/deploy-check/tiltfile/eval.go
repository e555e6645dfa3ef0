// Package tiltfile evaluates a Tiltfile without Tilt: Tilt's Starlark dialect run by go.starlark.net
// (the interpreter Tilt embeds), with Tilt's functions replaced by recorders that check their
// arguments against Tilt's signatures. helm() runs the real `helm template`, so the YAML Tilt would
// deploy is the YAML checked here. After the run the recorded configuration is checked as Tilt would
// at start: referenced files exist, k8s_resource names a workload or objects that were registered,
// resource_deps name resources, every built image is deployed, live_update steps are in order.
package tiltfile

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Call is one recorded call of a Tilt function.
type Call struct {
	Function string         `json:"function"`
	Args     map[string]any `json:"args"`
	Position string         `json:"position"`
}

// Object is one Kubernetes object registered with k8s_yaml.
type Object struct {
	Kind      string   `json:"kind"`
	Name      string   `json:"name"`
	Namespace string   `json:"namespace,omitempty"`
	Images    []string `json:"images,omitempty"`
}

// Resource is one resource as Tilt would show it in its UI.
type Resource struct {
	Name         string   `json:"name"`
	Type         string   `json:"type"`
	Workload     string   `json:"workload,omitempty"`
	Objects      []string `json:"objects,omitempty"`
	Labels       []string `json:"labels"`
	ResourceDeps []string `json:"resourceDeps"`
	TriggerMode  string   `json:"triggerMode"`
	AutoInit     bool     `json:"autoInit"`
	PortForwards []string `json:"portForwards,omitempty"`
}

// Report is the evaluated Tiltfile.
type Report struct {
	File      string     `json:"file"`
	Calls     []Call     `json:"calls"`
	Objects   []Object   `json:"objects"`
	Resources []Resource `json:"resources"`
	Problems  []string   `json:"problems"`
}

type evaluator struct {
	dir     string
	helm    string
	report  *Report
	loaded  map[string]starlark.StringDict
	objects []Object
}

// Evaluate runs the Tiltfile and checks the configuration it declares.
func Evaluate(file, helm string) *Report {
	absolute, _ := filepath.Abs(file)
	e := &evaluator{
		dir:    filepath.Dir(absolute),
		helm:   helm,
		report: &Report{File: file, Calls: []Call{}, Objects: []Object{}, Resources: []Resource{}, Problems: []string{}},
		loaded: map[string]starlark.StringDict{},
	}
	if _, err := e.exec(absolute); err != nil {
		e.problem("%s", describe(err))
		return e.report
	}
	e.report.Objects = e.objects
	e.check()
	return e.report
}

func (e *evaluator) problem(format string, args ...any) {
	e.report.Problems = append(e.report.Problems, fmt.Sprintf(format, args...))
}

func describe(err error) string {
	if evalErr, ok := err.(*starlark.EvalError); ok {
		return evalErr.Backtrace()
	}
	return err.Error()
}

// Tilt's dialect: top-level if/for, reassignable globals, recursion and sets are allowed.
var tiltDialect = &syntax.FileOptions{Set: true, While: true, TopLevelControl: true, GlobalReassign: true, Recursion: true}

func (e *evaluator) exec(path string) (starlark.StringDict, error) {
	if globals, ok := e.loaded[path]; ok {
		return globals, nil
	}
	source, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	thread := &starlark.Thread{Name: path, Load: e.load}
	globals, err := starlark.ExecFileOptions(tiltDialect, thread, path, source, e.predeclared())
	if err != nil {
		return nil, err
	}
	e.loaded[path] = globals
	return globals, nil
}

// load resolves `load('ext://name', ...)` to the recorded extension and `load('./path', ...)` to
// another Starlark file relative to the Tiltfile, as Tilt does.
func (e *evaluator) load(_ *starlark.Thread, module string) (starlark.StringDict, error) {
	if strings.HasPrefix(module, "ext://") {
		functions, ok := extensionSignatures[module]
		if !ok {
			return nil, fmt.Errorf("extension %s is not known to this checker; add its signature to tools/deploy-check/tiltfile/api.go", module)
		}
		members := starlark.StringDict{}
		for name, sig := range functions {
			members[name] = e.recorder(name, sig, noResult)
		}
		return members, nil
	}
	return e.exec(e.path(module))
}

func (e *evaluator) path(relative string) string {
	if filepath.IsAbs(relative) {
		return relative
	}
	return filepath.Join(e.dir, relative)
}

func (e *evaluator) callsOf(function string) []Call {
	var calls []Call
	for _, call := range e.report.Calls {
		if call.Function == function {
			calls = append(calls, call)
		}
	}
	return calls
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys
}
