// Command go_template_oracle runs text/template cases through real Go, the
// way Kuma's HostnameGenerator (funcs "kuma") and its validator (funcs
// "stub") do, and prints Go's answers as JSON. See README.md.
package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
	"text/template"
	"unicode/utf8"

	"go_template_oracle/hostname"
)

type testCase struct {
	Template string            `json:"template"`
	Funcs    string            `json:"funcs,omitempty"`
	Data     map[string]string `json:"data,omitempty"`
	Labels   map[string]string `json:"labels,omitempty"`
}

type result struct {
	ParseError    *string `json:"parseError,omitempty"`
	ExecError     *string `json:"execError,omitempty"`
	Output        *string `json:"output,omitempty"`
	Panic         *string `json:"panic,omitempty"`
	NotUTF8       bool    `json:"notUtf8,omitempty"`
	ParseErrorHex string  `json:"parseErrorHex,omitempty"`
	ExecErrorHex  string  `json:"execErrorHex,omitempty"`
	OutputHex     string  `json:"outputHex,omitempty"`
}

type answer struct {
	testCase
	TypeName string `json:"typeName"`
	Result   result `json:"result"`
}

type defaults struct {
	KumaData map[string]string `json:"kumaData"`
	StubData map[string]string `json:"stubData"`
	Labels   map[string]string `json:"labels"`
}

type fixture struct {
	GoVersion string   `json:"goVersion"`
	Generator string   `json:"generator"`
	Defaults  defaults `json:"defaults"`
	Cases     []answer `json:"cases"`
}

var defaultLabels = map[string]string{
	"k8s.kuma.io/service-name":           "backend",
	"statefulset.kubernetes.io/pod-name": "backend-0",
	"app":                                "backend",
	"k8s.kuma.io/namespace":              "kuma-demo",
}

var kumaData = map[string]string{
	"Name": "backend", "DisplayName": "backend", "Namespace": "kuma-demo", "Mesh": "default", "Zone": "zone-1",
}

var stubData = map[string]string{
	"Name": "name", "DisplayName": "displayname", "Namespace": "namespace", "Mesh": "mesh", "Zone": "zone",
}

func field(c testCase, base map[string]string, name string) string {
	if v, ok := c.Data[name]; ok {
		return v
	}
	return base[name]
}

// store records s, adding a hex copy when s is not valid UTF-8 (JSON cannot carry it).
func store(s string, hexOut *string) *string {
	if !utf8.ValidString(s) {
		*hexOut = hex.EncodeToString([]byte(s))
	}
	return &s
}

func run(c testCase) answer {
	var funcs template.FuncMap
	var data any
	var typeName string
	switch c.Funcs {
	case "", "kuma":
		labels := c.Labels
		if labels == nil {
			labels = defaultLabels
		}
		// As Kuma's HostnameGenerator: errors.Errorf("label %s not found", key).
		funcs = template.FuncMap{"label": func(key string) (string, error) {
			v, ok := labels[key]
			if !ok {
				return "", fmt.Errorf("label %s not found", key)
			}
			return v, nil
		}}
		data = hostname.New(field(c, kumaData, "Name"), field(c, kumaData, "DisplayName"),
			field(c, kumaData, "Namespace"), field(c, kumaData, "Mesh"), field(c, kumaData, "Zone"))
	case "stub":
		// As Kuma's validator: a label stub and an anonymous struct.
		funcs = template.FuncMap{"label": func(key string) (string, error) { return "label", nil }}
		data = struct {
			Name        string
			DisplayName string
			Namespace   string
			Mesh        string
			Zone        string
		}{field(c, stubData, "Name"), field(c, stubData, "DisplayName"), field(c, stubData, "Namespace"),
			field(c, stubData, "Mesh"), field(c, stubData, "Zone")}
	default:
		panic("unknown funcs " + c.Funcs)
	}
	typeName = fmt.Sprintf("%T", data)
	a := answer{testCase: c, TypeName: typeName}
	tmpl, err := template.New("").Funcs(funcs).Parse(c.Template)
	if err != nil {
		a.Result.ParseError = store(err.Error(), &a.Result.ParseErrorHex)
		return a
	}
	var sb strings.Builder
	func() {
		defer func() {
			if r := recover(); r != nil {
				p := fmt.Sprint(r)
				a.Result.Panic = &p
			}
		}()
		err = tmpl.Execute(&sb, data)
	}()
	if a.Result.Panic != nil {
		return a
	}
	if err != nil {
		a.Result.ExecError = store(err.Error(), &a.Result.ExecErrorHex)
		return a
	}
	a.Result.Output = store(sb.String(), &a.Result.OutputHex)
	a.Result.NotUTF8 = a.Result.OutputHex != ""
	return a
}

func main() {
	var cases []testCase
	dec := json.NewDecoder(os.Stdin)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "reading cases:", err)
		os.Exit(1)
	}
	out := fixture{
		GoVersion: runtime.Version(),
		Generator: "tests/tools/go_template_oracle",
		Defaults:  defaults{KumaData: kumaData, StubData: stubData, Labels: defaultLabels},
	}
	for _, c := range cases {
		out.Cases = append(out.Cases, run(c))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "writing answers:", err)
		os.Exit(1)
	}
}
