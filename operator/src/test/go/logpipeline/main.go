// Command logpipeline runs the log shipping config of logging/ the way Promtail and Grafana Alloy
// run it, with Go's own regexp package (RE2, what both use for relabel rules and the regex stage)
// and Go's string unquoting (what LogQL selectors use). Only the standard library: it builds
// offline. LogShippingConfigsTest writes the rules and stages it read from the config files as
// JSON on stdin, and checks the JSON this prints.
//
// Each stage follows Alloy's implementation (internal/component/loki/process/stages, which
// Promtail's were forked into): regex keeps FindStringSubmatch's named groups, labels and
// structured_metadata take extracted values, match runs its stages when the stream selector and
// line filters match. A stage, key or selector form it does not know is an error, never skipped.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

type input struct {
	Relabel []map[string]any `json:"relabel"`
	Stages  []map[string]any `json:"stages"`
	Targets []target         `json:"targets"`
}

type target struct {
	Meta  map[string]string `json:"meta"`
	Lines []string          `json:"lines"`
}

type entryOut struct {
	Line     string            `json:"line"`
	Labels   map[string]string `json:"labels"`
	Metadata map[string]string `json:"metadata"`
}

type targetOut struct {
	// Nil when a relabel rule dropped the target.
	Labels  map[string]string `json:"labels"`
	Hidden  map[string]string `json:"hidden"`
	Entries []entryOut        `json:"entries"`
}

type output struct {
	Regexes int         `json:"regexes"`
	Targets []targetOut `json:"targets"`
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fail("input: %v", err)
	}
	out := output{}
	rules := make([]rule, len(in.Relabel))
	for i, r := range in.Relabel {
		rules[i] = newRule(r)
		out.Regexes++
	}
	stages := compileStages(in.Stages, &out.Regexes)
	for _, t := range in.Targets {
		labels, keep := relabel(t.Meta, rules)
		if !keep {
			out.Targets = append(out.Targets, targetOut{})
			continue
		}
		visible, hidden := map[string]string{}, map[string]string{}
		for k, v := range labels {
			if strings.HasPrefix(k, "__") {
				hidden[k] = v
			} else if v != "" {
				visible[k] = v
			}
		}
		res := targetOut{Labels: visible, Hidden: hidden}
		for _, line := range t.Lines {
			e := &entry{line: line, labels: copyMap(visible), extracted: map[string]any{}, metadata: map[string]string{}}
			// loki.source.file adds the file name; the pipeline is expected to drop it.
			e.labels["filename"] = hidden["__path__"]
			run(stages, e)
			res.Entries = append(res.Entries, entryOut{Line: e.line, Labels: e.labels, Metadata: e.metadata})
		}
		out.Targets = append(out.Targets, res)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail("output: %v", err)
	}
}

// ---------------------------------------------------------------- relabel (Prometheus semantics)

type rule struct {
	sources     []string
	separator   string
	regex       *regexp.Regexp
	target      string
	replacement string
	action      string
}

func newRule(r map[string]any) rule {
	known := map[string]bool{"source_labels": true, "separator": true, "regex": true, "target_label": true, "replacement": true, "action": true}
	for k := range r {
		if !known[k] {
			fail("relabel rule: unknown key %q", k)
		}
	}
	out := rule{separator: ";", replacement: "$1", action: "replace"}
	if s, ok := r["source_labels"].([]any); ok {
		for _, v := range s {
			out.sources = append(out.sources, v.(string))
		}
	}
	expr := "(.*)"
	if v, ok := r["regex"].(string); ok {
		expr = v
	}
	// Prometheus anchors relabel regexes.
	out.regex = mustCompile("^(?:" + expr + ")$")
	if v, ok := r["separator"].(string); ok {
		out.separator = v
	}
	if v, ok := r["target_label"].(string); ok {
		out.target = v
	}
	if v, ok := r["replacement"].(string); ok {
		out.replacement = v
	}
	if v, ok := r["action"].(string); ok {
		out.action = v
	}
	switch out.action {
	case "replace", "keep", "drop":
	default:
		fail("relabel action %q is not simulated", out.action)
	}
	return out
}

func relabel(meta map[string]string, rules []rule) (map[string]string, bool) {
	labels := copyMap(meta)
	for _, r := range rules {
		values := make([]string, len(r.sources))
		for i, s := range r.sources {
			values[i] = labels[s]
		}
		value := strings.Join(values, r.separator)
		switch r.action {
		case "drop":
			if r.regex.MatchString(value) {
				return nil, false
			}
		case "keep":
			if !r.regex.MatchString(value) {
				return nil, false
			}
		case "replace":
			indexes := r.regex.FindStringSubmatchIndex(value)
			if indexes == nil {
				continue
			}
			result := string(r.regex.ExpandString(nil, r.replacement, value, indexes))
			if result == "" {
				delete(labels, r.target)
			} else {
				labels[r.target] = result
			}
		}
	}
	return labels, true
}

// ---------------------------------------------------------------- pipeline stages

type entry struct {
	line      string
	labels    map[string]string
	extracted map[string]any
	metadata  map[string]string
}

type stage func(e *entry)

// From Alloy's stage.decolorize (after github.com/acarl005/stripansi).
var ansi = regexp.MustCompile("[\u001B\u009B][[\\]()#;?]*(?:(?:(?:[a-zA-Z\\d]*(?:;[a-zA-Z\\d]*)*)?\u0007)|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PRZcf-ntqry=><~]))")

func compileStages(specs []map[string]any, regexes *int) []stage {
	var stages []stage
	for _, s := range specs {
		stages = append(stages, compileStage(s, regexes))
	}
	return stages
}

func compileStage(s map[string]any, regexes *int) stage {
	kind, _ := s["type"].(string)
	allow := func(keys ...string) {
		ok := map[string]bool{"type": true}
		for _, k := range keys {
			ok[k] = true
		}
		for k := range s {
			if !ok[k] {
				fail("stage %s: unknown key %q", kind, k)
			}
		}
	}
	switch kind {
	case "cri":
		allow()
		return func(e *entry) {
			// <RFC3339Nano time> <stdout|stderr> <F|P> <content>; the fixtures are full lines (F).
			parts := strings.SplitN(e.line, " ", 4)
			if len(parts) != 4 || parts[2] != "F" {
				fail("not a full CRI line: %q", e.line)
			}
			e.labels["stream"] = parts[1]
			e.line = parts[3]
		}
	case "decolorize":
		allow()
		return func(e *entry) { e.line = ansi.ReplaceAllString(e.line, "") }
	case "match":
		allow("selector", "stages")
		sel := parseSelector(s["selector"].(string), regexes)
		var nested []map[string]any
		for _, n := range s["stages"].([]any) {
			nested = append(nested, n.(map[string]any))
		}
		inner := compileStages(nested, regexes)
		return func(e *entry) {
			if sel.matches(e) {
				run(inner, e)
			}
		}
	case "json":
		allow("expressions")
		expressions := stringMap(s["expressions"])
		for k, expr := range expressions {
			if !regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`).MatchString(expr) {
				fail("json expression %s=%q: only plain field names are simulated", k, expr)
			}
		}
		return func(e *entry) {
			var doc map[string]any
			if err := json.Unmarshal([]byte(e.line), &doc); err != nil {
				return // not JSON: Alloy logs it at debug level and goes on
			}
			for k, field := range expressions {
				if v, ok := doc[field]; ok {
					e.extracted[k] = v
				}
			}
		}
	case "regex":
		allow("expression", "source")
		re := mustCompile(s["expression"].(string))
		*regexes++
		for i, name := range re.SubexpNames() {
			if i > 0 && name == "" {
				fail("regex %q: every capture group must be named", re)
			}
		}
		source, hasSource := s["source"].(string)
		return func(e *entry) {
			in := e.line
			if hasSource {
				v, ok := e.extracted[source].(string)
				if !ok {
					return
				}
				in = v
			}
			m := re.FindStringSubmatch(in)
			if m == nil {
				return
			}
			for i, name := range re.SubexpNames() {
				if i != 0 && name != "" {
					e.extracted[name] = m[i]
				}
			}
		}
	case "labels", "structured_metadata":
		allow("values")
		values := stringMap(s["values"])
		return func(e *entry) {
			into := e.labels
			if kind == "structured_metadata" {
				into = e.metadata
			}
			for name, from := range values {
				if from == "" {
					from = name
				}
				if v, ok := e.extracted[from].(string); ok && utf8.ValidString(v) {
					into[name] = v
				}
			}
		}
	case "label_drop":
		allow("values")
		var names []string
		for _, n := range s["values"].([]any) {
			names = append(names, n.(string))
		}
		return func(e *entry) {
			for _, n := range names {
				delete(e.labels, n)
			}
		}
	}
	fail("stage %q is not simulated", kind)
	return nil
}

func run(stages []stage, e *entry) {
	for _, s := range stages {
		s(e)
	}
}

// ---------------------------------------------------------------- LogQL selector

type matcher struct {
	name, op, value string
	re              *regexp.Regexp
}

type filter struct {
	op, value string
	re        *regexp.Regexp
}

type selector struct {
	matchers []matcher
	filters  []filter
}

var (
	matcherSyntax = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*")\s*(,|$)`)
	filterSyntax  = regexp.MustCompile(`^\s*(\|=|!=|\|~|!~)\s*("(?:[^"\\]|\\.)*")`)
)

// A stream selector {a="b", ...} and line filters (|= != |~ !~), with double-quoted strings as
// LogQL unquotes them (strconv.Unquote). Promtail's match stage refuses backtick strings.
func parseSelector(text string, regexes *int) selector {
	var sel selector
	rest := strings.TrimSpace(text)
	if !strings.HasPrefix(rest, "{") {
		fail("selector %q: no stream selector", text)
	}
	end := strings.Index(rest, "}")
	if end < 0 {
		fail("selector %q: unterminated stream selector", text)
	}
	body := rest[1:end]
	for strings.TrimSpace(body) != "" {
		m := matcherSyntax.FindStringSubmatch(body)
		if m == nil {
			fail("selector %q: cannot read matcher %q", text, body)
		}
		mt := matcher{name: m[1], op: m[2], value: unquote(m[3], text)}
		if mt.op == "=~" || mt.op == "!~" {
			mt.re = mustCompile("^(?:" + mt.value + ")$")
			*regexes++
		}
		sel.matchers = append(sel.matchers, mt)
		body = body[len(m[0]):]
	}
	rest = rest[end+1:]
	for strings.TrimSpace(rest) != "" {
		f := filterSyntax.FindStringSubmatch(rest)
		if f == nil {
			fail("selector %q: cannot read line filter %q", text, rest)
		}
		lf := filter{op: f[1], value: unquote(f[2], text)}
		if lf.op == "|~" || lf.op == "!~" {
			lf.re = mustCompile(lf.value)
			*regexes++
		}
		sel.filters = append(sel.filters, lf)
		rest = rest[len(f[0]):]
	}
	if len(sel.matchers) == 0 {
		fail("selector %q: LogQL needs at least one matcher", text)
	}
	return sel
}

func (s selector) matches(e *entry) bool {
	for _, m := range s.matchers {
		v := e.labels[m.name]
		ok := map[string]bool{"=": v == m.value, "!=": v != m.value}[m.op]
		if m.re != nil {
			ok = m.re.MatchString(v) == (m.op == "=~")
		}
		if !ok {
			return false
		}
	}
	for _, f := range s.filters {
		var ok bool
		switch f.op {
		case "|=":
			ok = strings.Contains(e.line, f.value)
		case "!=":
			ok = !strings.Contains(e.line, f.value)
		case "|~":
			ok = f.re.MatchString(e.line)
		case "!~":
			ok = !f.re.MatchString(e.line)
		}
		if !ok {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------- helpers

func unquote(s, context string) string {
	v, err := strconv.Unquote(s)
	if err != nil {
		fail("selector %q: string %s: %v", context, s, err)
	}
	return v
}

func mustCompile(expr string) *regexp.Regexp {
	re, err := regexp.Compile(expr)
	if err != nil {
		fail("RE2 refuses %q: %v", expr, err)
	}
	return re
}

func stringMap(v any) map[string]string {
	out := map[string]string{}
	m, ok := v.(map[string]any)
	if !ok {
		fail("expected a map, got %T", v)
	}
	for k, val := range m {
		s, ok := val.(string)
		if !ok {
			fail("%s: expected a string, got %T", k, val)
		}
		out[k] = s
	}
	return out
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "logpipeline: "+format+"\n", args...)
	os.Exit(2)
}
