package tiltfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.yaml.in/yaml/v3"
)

// blob is Tilt's Blob: YAML text, as opposed to a str, which k8s_yaml reads as a file path.
type blob struct{ text string }

func (b blob) String() string        { return b.text }
func (b blob) Type() string          { return "blob" }
func (b blob) Freeze()               {}
func (b blob) Truth() starlark.Bool  { return b.text != "" }
func (b blob) Hash() (uint32, error) { return starlark.String(b.text).Hash() }

// step is a live_update step (sync, run, fall_back_on, restart_container) or another value Tilt
// returns as an opaque object (port_forward, link).
type step struct {
	kind string
	args map[string]any
}

func (s *step) String() string        { return fmt.Sprintf("%s(%v)", s.kind, s.args) }
func (s *step) Type() string          { return s.kind }
func (s *step) Freeze()               {}
func (s *step) Truth() starlark.Bool  { return true }
func (s *step) Hash() (uint32, error) { return 0, errors.New("unhashable") }

// result produces what a Tilt function returns, from the recorded call and the raw arguments.
type result func(e *evaluator, call Call, raw map[string]starlark.Value) (starlark.Value, error)

func noResult(*evaluator, Call, map[string]starlark.Value) (starlark.Value, error) {
	return starlark.None, nil
}

func opaque(kind string) result {
	return func(_ *evaluator, call Call, _ map[string]starlark.Value) (starlark.Value, error) {
		return &step{kind: kind, args: call.Args}, nil
	}
}

func (e *evaluator) predeclared() starlark.StringDict {
	results := map[string]result{
		"helm":         (*evaluator).runHelm,
		"k8s_yaml":     (*evaluator).registerYAML,
		"read_yaml":    (*evaluator).readYAML,
		"sync":         opaque("sync"),
		"run":          opaque("run"),
		"fall_back_on": opaque("fall_back_on"),
		"port_forward": opaque("port_forward"),
		"link":         opaque("link"),
		"fail": func(_ *evaluator, call Call, _ map[string]starlark.Value) (starlark.Value, error) {
			return nil, fmt.Errorf("fail(): %v", call.Args["msg"])
		},
	}
	dict := starlark.StringDict{
		"TRIGGER_MODE_AUTO":   starlark.String("auto"),
		"TRIGGER_MODE_MANUAL": starlark.String("manual"),
		"restart_container":   e.recorder("restart_container", signature{}, opaque("restart_container")),
		"struct":              starlark.NewBuiltin("struct", starlarkstruct.Make),
		"os":                  e.osModule(),
	}
	for name, sig := range builtinSignatures {
		produce := results[name]
		if produce == nil {
			produce = noResult
		}
		dict[name] = e.recorder(name, sig, produce)
	}
	return dict
}

// recorder is a Tilt function: it binds the arguments to the signature, records the call, and
// returns what Tilt would return.
func (e *evaluator) recorder(name string, sig signature, produce result) *starlark.Builtin {
	return starlark.NewBuiltin(name, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if len(args) > len(sig.params) {
			return nil, fmt.Errorf("%s: got %d positional arguments, takes at most %d", name, len(args), len(sig.params))
		}
		raw := map[string]starlark.Value{}
		for i, arg := range args {
			raw[sig.params[i]] = arg
		}
		for _, kw := range kwargs {
			key := string(kw[0].(starlark.String))
			if !contains(sig.params, key) {
				return nil, fmt.Errorf("%s: unexpected keyword argument %q", name, key)
			}
			if _, dup := raw[key]; dup {
				return nil, fmt.Errorf("%s: argument %q given twice", name, key)
			}
			raw[key] = kw[1]
		}
		bound := map[string]any{}
		for key, value := range raw {
			bound[key] = toGo(value)
		}
		for _, param := range sig.params[:sig.required] {
			if _, ok := raw[param]; !ok {
				return nil, fmt.Errorf("%s: missing argument %q", name, param)
			}
		}
		call := Call{Function: name, Args: bound, Position: thread.CallFrame(1).Pos.String()}
		e.report.Calls = append(e.report.Calls, call)
		return produce(e, call, raw)
	})
}

func contains(list []string, value string) bool {
	for _, item := range list {
		if item == value {
			return true
		}
	}
	return false
}

// toGo turns a Starlark value into plain data for the report.
func toGo(value starlark.Value) any {
	switch v := value.(type) {
	case starlark.NoneType:
		return nil
	case starlark.Bool:
		return bool(v)
	case starlark.Int:
		i, _ := v.Int64()
		return i
	case starlark.Float:
		return float64(v)
	case starlark.String:
		return string(v)
	case blob:
		return map[string]any{"blob": len(v.text)}
	case *step:
		return map[string]any{"step": v.kind, "args": v.args}
	case *starlark.List:
		out := []any{}
		for i := 0; i < v.Len(); i++ {
			out = append(out, toGo(v.Index(i)))
		}
		return out
	case starlark.Tuple:
		out := []any{}
		for _, item := range v {
			out = append(out, toGo(item))
		}
		return out
	case *starlark.Dict:
		out := map[string]any{}
		for _, item := range v.Items() {
			out[fmt.Sprint(toGo(item[0]))] = toGo(item[1])
		}
		return out
	default:
		return v.String()
	}
}

func fromGo(value any) starlark.Value {
	switch v := value.(type) {
	case nil:
		return starlark.None
	case bool:
		return starlark.Bool(v)
	case int:
		return starlark.MakeInt(v)
	case int64:
		return starlark.MakeInt64(v)
	case float64:
		return starlark.Float(v)
	case string:
		return starlark.String(v)
	case []any:
		items := make([]starlark.Value, len(v))
		for i, item := range v {
			items[i] = fromGo(item)
		}
		return starlark.NewList(items)
	case map[string]any:
		dict := starlark.NewDict(len(v))
		for _, key := range sortedKeys(v) {
			_ = dict.SetKey(starlark.String(key), fromGo(v[key]))
		}
		return dict
	default:
		return starlark.String(fmt.Sprint(v))
	}
}

func stringList(value any) []string {
	switch v := value.(type) {
	case string:
		return []string{v}
	case []any:
		out := []string{}
		for _, item := range v {
			if s, ok := item.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// runHelm is Tilt's helm(): `helm template` of a local chart, returned as a Blob.
func (e *evaluator) runHelm(call Call, _ map[string]starlark.Value) (starlark.Value, error) {
	chart := stringList(call.Args["paths"])
	if len(chart) != 1 {
		return nil, errors.New("helm: paths must name one chart directory")
	}
	name, _ := call.Args["name"].(string)
	if name == "" {
		name = "chart"
	}
	args := []string{"template", name, e.path(chart[0])}
	if namespace, _ := call.Args["namespace"].(string); namespace != "" {
		args = append(args, "--namespace", namespace)
	}
	for _, values := range stringList(call.Args["values"]) {
		args = append(args, "--values", e.path(values))
	}
	for _, set := range stringList(call.Args["set"]) {
		args = append(args, "--set", set)
	}
	if skip, _ := call.Args["skip_crds"].(bool); skip {
		args = append(args, "--skip-crds")
	}
	var stdout, stderr bytes.Buffer
	command := exec.Command(e.helm, args...)
	command.Stdout, command.Stderr = &stdout, &stderr
	if err := command.Run(); err != nil {
		return nil, fmt.Errorf("helm %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return blob{text: stdout.String()}, nil
}

// registerYAML is k8s_yaml(): file paths (a str or a list of str) or Blobs, or a list of both.
func (e *evaluator) registerYAML(_ Call, raw map[string]starlark.Value) (starlark.Value, error) {
	items := []starlark.Value{raw["yaml"]}
	if list, ok := raw["yaml"].(*starlark.List); ok {
		items = items[:0]
		for i := 0; i < list.Len(); i++ {
			items = append(items, list.Index(i))
		}
	}
	for _, item := range items {
		var text string
		switch v := item.(type) {
		case starlark.String:
			data, err := os.ReadFile(e.path(string(v)))
			if err != nil {
				return nil, fmt.Errorf("k8s_yaml: %w", err)
			}
			text = string(data)
		case blob:
			text = v.text
		default:
			return nil, fmt.Errorf("k8s_yaml: want a path or a Blob, got %s", item.Type())
		}
		objects, err := parseObjects(text)
		if err != nil {
			return nil, fmt.Errorf("k8s_yaml: %w", err)
		}
		e.objects = append(e.objects, objects...)
	}
	return starlark.None, nil
}

// readYAML is read_yaml(): the file's data as Starlark dicts, lists and scalars.
func (e *evaluator) readYAML(call Call, _ map[string]starlark.Value) (starlark.Value, error) {
	path, _ := call.Args["path"].(string)
	data, err := os.ReadFile(e.path(path))
	if err != nil {
		if fallback, ok := call.Args["default"]; ok {
			return fromGo(fallback), nil
		}
		return nil, fmt.Errorf("read_yaml: %w", err)
	}
	var value any
	if err := yaml.Unmarshal(data, &value); err != nil {
		return nil, fmt.Errorf("read_yaml %s: %w", path, err)
	}
	return fromGo(normalise(value)), nil
}

func normalise(value any) any {
	switch v := value.(type) {
	case map[string]any:
		for key, child := range v {
			v[key] = normalise(child)
		}
		return v
	case []any:
		for i, child := range v {
			v[i] = normalise(child)
		}
		return v
	case int:
		return int64(v)
	default:
		return v
	}
}

func parseObjects(text string) ([]Object, error) {
	decoder := yaml.NewDecoder(strings.NewReader(text))
	var objects []Object
	for {
		var doc map[string]any
		err := decoder.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return objects, nil
		}
		if err != nil {
			return nil, err
		}
		if doc == nil {
			continue
		}
		kind, _ := doc["kind"].(string)
		metadata, _ := doc["metadata"].(map[string]any)
		name, _ := metadata["name"].(string)
		namespace, _ := metadata["namespace"].(string)
		objects = append(objects, Object{Kind: kind, Name: name, Namespace: namespace, Images: imagesOf(doc)})
	}
}

func imagesOf(doc map[string]any) []string {
	podSpec := dig(doc, "spec", "template", "spec")
	if doc["kind"] == "CronJob" {
		podSpec = dig(doc, "spec", "jobTemplate", "spec", "template", "spec")
	}
	if doc["kind"] == "Pod" {
		podSpec = dig(doc, "spec")
	}
	var images []string
	for _, field := range []string{"initContainers", "containers"} {
		containers, _ := podSpec[field].([]any)
		for _, container := range containers {
			if c, ok := container.(map[string]any); ok {
				if image, ok := c["image"].(string); ok {
					images = append(images, image)
				}
			}
		}
	}
	return images
}

func dig(doc map[string]any, path ...string) map[string]any {
	current := doc
	for _, key := range path {
		next, ok := current[key].(map[string]any)
		if !ok {
			return map[string]any{}
		}
		current = next
	}
	return current
}

func (e *evaluator) osModule() *starlarkstruct.Module {
	str := func(name string, fn func(args []string) starlark.Value, arity int) *starlark.Builtin {
		return starlark.NewBuiltin(name, func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			if arity >= 0 && len(args) != arity {
				return nil, fmt.Errorf("os.%s takes %d arguments", name, arity)
			}
			strs := make([]string, len(args))
			for i, arg := range args {
				s, ok := arg.(starlark.String)
				if !ok {
					return nil, fmt.Errorf("os.%s: arguments must be strings", name)
				}
				strs[i] = string(s)
			}
			return fn(strs), nil
		})
	}
	path := &starlarkstruct.Module{Name: "path", Members: starlark.StringDict{
		"join":     str("path.join", func(a []string) starlark.Value { return starlark.String(filepath.Join(a...)) }, -1),
		"exists":   str("path.exists", func(a []string) starlark.Value { _, err := os.Stat(e.path(a[0])); return starlark.Bool(err == nil) }, 1),
		"abspath":  str("path.abspath", func(a []string) starlark.Value { return starlark.String(e.path(a[0])) }, 1),
		"dirname":  str("path.dirname", func(a []string) starlark.Value { return starlark.String(filepath.Dir(a[0])) }, 1),
		"basename": str("path.basename", func(a []string) starlark.Value { return starlark.String(filepath.Base(a[0])) }, 1),
	}}
	return &starlarkstruct.Module{Name: "os", Members: starlark.StringDict{
		"path":   path,
		"getcwd": str("getcwd", func([]string) starlark.Value { return starlark.String(e.dir) }, 0),
		"getenv": str("getenv", func(a []string) starlark.Value { return starlark.String("") }, -1),
	}}
}
