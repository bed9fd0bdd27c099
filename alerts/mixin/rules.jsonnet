// dm-exporter's alerting rules as JSON, which Prometheus loads like YAML: the same rules that
// render.jsonnet writes as YAML, in well under a second (Debian's jsonnet spends most of
// render.jsonnet's time on std.manifestYamlDoc). Your own values as with render.jsonnet:
//   jsonnet --tla-code 'config={gapWindow: "3m"}' alerts/mixin/rules.jsonnet > dm-exporter.rules.json
function(config={}) ((import 'mixin.libsonnet') + { _config+:: config }).prometheusRules
