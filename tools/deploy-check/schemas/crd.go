package schemas

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	yamlv3 "gopkg.in/yaml.v3"
	"sigs.k8s.io/yaml"
)

type customResourceDefinition struct {
	Kind string `json:"kind"`
	Spec struct {
		Group string `json:"group"`
		Names struct {
			Kind string `json:"kind"`
		} `json:"names"`
		Versions []struct {
			Name   string `json:"name"`
			Served bool   `json:"served"`
			Schema *struct {
				OpenAPIV3Schema Schema `json:"openAPIV3Schema"`
			} `json:"schema"`
		} `json:"versions"`
	} `json:"spec"`
}

// CRDFileName is kubeconform's {{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json.
func CRDFileName(group, version, kind string) string {
	return filepath.Join(group, strings.ToLower(kind)+"_"+strings.ToLower(version)+".json")
}

// WriteCRDs writes a schema for every served version of every CustomResourceDefinition in the given
// YAML files. metaSchema (ObjectMeta, standalone) replaces the CRDs' open `metadata: {type: object}`,
// so a custom resource's metadata is checked as strictly as a built-in one's. It returns the
// group/version/kind of each schema written.
func WriteCRDs(dir string, files []string, metaSchema Schema) ([]string, error) {
	var written []string
	for _, file := range files {
		docs, err := yamlDocuments(file)
		if err != nil {
			return written, err
		}
		for _, doc := range docs {
			var crd customResourceDefinition
			if err := yaml.Unmarshal(doc, &crd); err != nil {
				return written, fmt.Errorf("%s: %w", file, err)
			}
			if crd.Kind != "CustomResourceDefinition" {
				continue
			}
			for _, version := range crd.Spec.Versions {
				if !version.Served || version.Schema == nil || version.Schema.OpenAPIV3Schema == nil {
					continue
				}
				schema := deepCopy(version.Schema.OpenAPIV3Schema).(Schema)
				tighten(schema)
				withTypeMeta(schema, crd.Spec.Group+"/"+version.Name, crd.Spec.Names.Kind)
				withObjectMeta(schema, metaSchema)
				schema["$schema"] = draft07
				path := filepath.Join(dir, CRDFileName(crd.Spec.Group, version.Name, crd.Spec.Names.Kind))
				if err := writeSchema(path, schema); err != nil {
					return written, err
				}
				written = append(written, crd.Spec.Group+"/"+version.Name+"/"+crd.Spec.Names.Kind)
			}
		}
	}
	if len(written) == 0 {
		return nil, errors.New("no served CustomResourceDefinition version with a schema in the given files")
	}
	return written, nil
}

func withObjectMeta(schema, metaSchema Schema) {
	properties, _ := schema["properties"].(Schema)
	if properties == nil {
		return
	}
	meta := deepCopy(metaSchema).(Schema)
	definitions, _ := meta["definitions"].(Schema)
	delete(meta, "definitions")
	delete(meta, "$schema")
	properties["metadata"] = meta
	schema["definitions"] = definitions
	schema["required"] = mergeRequired(schema["required"], "metadata")
}

// yamlDocuments splits a multi-document YAML file, skipping empty documents.
func yamlDocuments(file string) ([][]byte, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	decoder := yamlv3.NewDecoder(bytes.NewReader(data))
	var docs [][]byte
	for {
		var node yamlv3.Node
		err := decoder.Decode(&node)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		out, err := yamlv3.Marshal(&node)
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(out)) > 0 && string(bytes.TrimSpace(out)) != "null" {
			docs = append(docs, out)
		}
	}
}
