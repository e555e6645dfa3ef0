// Package schemas turns the Kubernetes OpenAPI document and CustomResourceDefinitions into the
// standalone, strict JSON schemas kubeconform reads from a directory.
package schemas

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Schema is a JSON schema (or an OpenAPI schema on its way to becoming one) as a generic map.
type Schema = map[string]any

const draft07 = "http://json-schema.org/draft-07/schema#"

// tighten rewrites one OpenAPI schema node in place into plain JSON schema and makes it strict:
// an object that lists its properties accepts no others, unless it says it keeps unknown fields.
// Kubernetes' own vendor extensions are translated (int-or-string, preserve-unknown-fields,
// nullable) and then dropped, with the descriptions, so the files stay small.
func tighten(node any) {
	switch n := node.(type) {
	case []any:
		for _, item := range n {
			tighten(item)
		}
	case Schema:
		for _, child := range n {
			tighten(child)
		}
		preserve, _ := n["x-kubernetes-preserve-unknown-fields"].(bool)
		if _, ok := n["properties"]; ok && !preserve {
			if _, set := n["additionalProperties"]; !set {
				n["additionalProperties"] = false
			}
		}
		if intOrString, _ := n["x-kubernetes-int-or-string"].(bool); intOrString {
			delete(n, "type")
			n["oneOf"] = []any{Schema{"type": "string"}, Schema{"type": "integer"}}
		}
		if nullable, _ := n["nullable"].(bool); nullable {
			if t, ok := n["type"].(string); ok {
				n["type"] = []any{t, "null"}
			}
		}
		for key := range n {
			if strings.HasPrefix(key, "x-kubernetes-") || key == "description" || key == "nullable" || key == "format" {
				delete(n, key)
			}
		}
	}
}

// withTypeMeta pins apiVersion and kind of a resource schema to the one resource it describes.
func withTypeMeta(schema Schema, apiVersion, kind string) {
	properties, ok := schema["properties"].(Schema)
	if !ok {
		properties = Schema{}
		schema["properties"] = properties
	}
	properties["apiVersion"] = Schema{"type": "string", "enum": []any{apiVersion}}
	properties["kind"] = Schema{"type": "string", "enum": []any{kind}}
	schema["required"] = mergeRequired(schema["required"], "apiVersion", "kind")
}

func mergeRequired(existing any, names ...string) []any {
	out := []any{}
	seen := map[string]bool{}
	if list, ok := existing.([]any); ok {
		for _, name := range list {
			if s, ok := name.(string); ok && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	for _, name := range names {
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

func apiVersionOf(group, version string) string {
	if group == "" {
		return version
	}
	return group + "/" + version
}

// deepCopy copies a decoded JSON value so that tightening one schema never changes another.
func deepCopy(value any) any {
	switch v := value.(type) {
	case Schema:
		out := make(Schema, len(v))
		for key, child := range v {
			out[key] = deepCopy(child)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, child := range v {
			out[i] = deepCopy(child)
		}
		return out
	default:
		return v
	}
}

func writeSchema(path string, schema Schema) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	data, err := json.Marshal(schema)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, data, 0o644)
}
