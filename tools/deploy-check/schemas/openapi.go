package schemas

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

const refPrefix = "#/definitions/"

// Definitions whose OpenAPI form is narrower than what the API server accepts.
var specialDefinitions = map[string]Schema{
	// Serialised as a string or an integer ("8080" or 8080, "25%" or 1).
	"io.k8s.apimachinery.pkg.util.intstr.IntOrString": {"oneOf": []any{Schema{"type": "string"}, Schema{"type": "integer"}}},
	// "500m", "1Gi", or a plain number.
	"io.k8s.apimachinery.pkg.api.resource.Quantity": {"oneOf": []any{Schema{"type": "string"}, Schema{"type": "number"}}},
}

// OpenAPIDocument is the part of the Kubernetes swagger.json the conversion needs.
type OpenAPIDocument struct {
	Definitions map[string]Schema `json:"definitions"`
}

// LoadOpenAPI reads api/openapi-spec/swagger.json of the k8s.io/kubernetes module.
func LoadOpenAPI(path string) (*OpenAPIDocument, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc OpenAPIDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Definitions) == 0 {
		return nil, fmt.Errorf("%s has no definitions", path)
	}
	return &doc, nil
}

// standalone returns the named definition as a self-contained schema: every definition it reaches is
// copied under "definitions" and referenced locally, which also keeps recursive types finite.
func (doc *OpenAPIDocument) standalone(name string) (Schema, error) {
	reached := map[string]Schema{}
	var visit func(string) error
	visit = func(def string) error {
		if _, done := reached[def]; done {
			return nil
		}
		source, ok := doc.Definitions[def]
		if !ok {
			return fmt.Errorf("definition %s is referenced but missing", def)
		}
		var copied Schema
		if special, ok := specialDefinitions[def]; ok {
			copied = deepCopy(special).(Schema)
		} else {
			copied = deepCopy(source).(Schema)
		}
		reached[def] = copied
		for _, ref := range refsIn(copied) {
			if err := visit(ref); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(name); err != nil {
		return nil, err
	}
	root := deepCopy(reached[name]).(Schema)
	definitions := Schema{}
	for def, schema := range reached {
		tighten(schema)
		definitions[def] = schema
	}
	tighten(root)
	root["$schema"] = draft07
	root["definitions"] = definitions
	return root, nil
}

func refsIn(node any) []string {
	var refs []string
	var walk func(any)
	walk = func(n any) {
		switch v := n.(type) {
		case Schema:
			if ref, ok := v["$ref"].(string); ok && strings.HasPrefix(ref, refPrefix) {
				refs = append(refs, strings.TrimPrefix(ref, refPrefix))
			}
			for _, child := range v {
				walk(child)
			}
		case []any:
			for _, child := range v {
				walk(child)
			}
		}
	}
	walk(node)
	return refs
}

type groupVersionKind struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

func gvksOf(schema Schema) []groupVersionKind {
	raw, ok := schema["x-kubernetes-group-version-kind"]
	if !ok {
		return nil
	}
	data, _ := json.Marshal(raw)
	var gvks []groupVersionKind
	_ = json.Unmarshal(data, &gvks)
	return gvks
}

// KubernetesFileName is kubeconform's {{ .ResourceKind }}{{ .KindSuffix }}.json for one resource:
// the kind in lower case, the first label of the group (none for the core group), the version.
func KubernetesFileName(group, version, kind string) string {
	suffix := "-" + strings.ToLower(version)
	if group != "" {
		suffix = "-" + strings.ToLower(strings.Split(group, ".")[0]) + suffix
	}
	return strings.ToLower(kind) + suffix + ".json"
}

// WriteKubernetes writes one schema per resource kind the document defines into dir and returns
// how many it wrote. Kinds that only appear as list or option types (they carry several group
// versions) are written for each of them, as kubeconform looks them up that way too.
func (doc *OpenAPIDocument) WriteKubernetes(dir string) (int, error) {
	names := make([]string, 0, len(doc.Definitions))
	for name := range doc.Definitions {
		names = append(names, name)
	}
	sort.Strings(names)
	written := 0
	for _, name := range names {
		for _, gvk := range gvksOf(doc.Definitions[name]) {
			schema, err := doc.standalone(name)
			if err != nil {
				return written, err
			}
			withTypeMeta(schema, apiVersionOf(gvk.Group, gvk.Version), gvk.Kind)
			if err := writeSchema(filepath.Join(dir, KubernetesFileName(gvk.Group, gvk.Version, gvk.Kind)), schema); err != nil {
				return written, err
			}
			written++
		}
	}
	if written == 0 {
		return 0, fmt.Errorf("no definition carries x-kubernetes-group-version-kind")
	}
	return written, nil
}

// ObjectMeta is the standalone schema of metadata, used for custom resources whose CRDs leave
// metadata open ({type: object}) although the API server checks it like any object's.
func (doc *OpenAPIDocument) ObjectMeta() (Schema, error) {
	return doc.standalone("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
}
