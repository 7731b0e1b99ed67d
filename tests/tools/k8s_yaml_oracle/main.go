// Command k8s_yaml_oracle reads YAML cases the way kubectl and the API
// server do, through sigs.k8s.io/yaml (go-yaml v2 underneath), and prints the
// answers as JSON. See README.md.
//
// Input on stdin: a JSON list of {"name", "yaml", "typed"} cases. For each
// case the output has "json" (the text sigs.k8s.io/yaml.YAMLToJSON returns,
// the untyped path kubectl takes for manifests) or "error" (its error text).
// With "typed" set, the YAML is also unmarshalled into a small typed object
// (string-valued labels and annotations, integer ports, as in a Kubernetes
// Service) with sigs.k8s.io/yaml.Unmarshal, and "typedJson" or "typedError"
// holds the result: that is where sigs.k8s.io/yaml turns a number or
// boolean into a string for a string-typed field.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"

	"sigs.k8s.io/yaml"
)

type testCase struct {
	Name  string `json:"name"`
	YAML  string `json:"yaml"`
	Typed bool   `json:"typed,omitempty"`
}

type answer struct {
	testCase
	JSON       *json.RawMessage `json:"json,omitempty"`
	Error      *string          `json:"error,omitempty"`
	TypedJSON  *json.RawMessage `json:"typedJson,omitempty"`
	TypedError *string          `json:"typedError,omitempty"`
}

type port struct {
	Name string `json:"name,omitempty"`
	Port int32  `json:"port"`
}

// typedObject has the field types of the parts of a Kubernetes Service the
// cases look at.
type typedObject struct {
	Metadata struct {
		Name        string            `json:"name,omitempty"`
		Labels      map[string]string `json:"labels,omitempty"`
		Annotations map[string]string `json:"annotations,omitempty"`
	} `json:"metadata"`
	Spec struct {
		Ports                    []port `json:"ports,omitempty"`
		PublishNotReadyAddresses bool   `json:"publishNotReadyAddresses,omitempty"`
	} `json:"spec"`
}

type fixture struct {
	GoVersion string   `json:"goVersion"`
	Library   string   `json:"library"`
	Cases     []answer `json:"cases"`
}

func main() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var cases []testCase
	if err := json.Unmarshal(input, &cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := fixture{
		GoVersion: runtime.Version(),
		Library:   "sigs.k8s.io/yaml 1.3.0, gopkg.in/yaml.v2 2.4.0 (Debian bookworm packages)",
	}
	for _, c := range cases {
		a := answer{testCase: c}
		if j, err := yaml.YAMLToJSON([]byte(c.YAML)); err != nil {
			text := err.Error()
			a.Error = &text
		} else {
			raw := json.RawMessage(j)
			a.JSON = &raw
		}
		if c.Typed {
			var obj typedObject
			if err := yaml.Unmarshal([]byte(c.YAML), &obj); err != nil {
				text := err.Error()
				a.TypedError = &text
			} else if j, err := json.Marshal(obj); err != nil {
				text := err.Error()
				a.TypedError = &text
			} else {
				raw := json.RawMessage(j)
				a.TypedJSON = &raw
			}
		}
		out.Cases = append(out.Cases, a)
	}
	encoded, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(append(encoded, '\n'))
}
