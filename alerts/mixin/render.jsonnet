// Renders alerts/dm-exporter.rules.yml. Your own values go in as a top-level argument, e.g.
//   jsonnet -S --tla-code 'config={exporterSelector: "job=\"dm\"", gapWindow: "3m"}' \
//     alerts/mixin/render.jsonnet > dm-exporter.rules.yml
local rules = import 'rules.jsonnet';
function(config={})
  local r = rules(config);
  // Alert names are plain identifiers: written bare, as rule files usually have them.
  local names = [rule.alert for g in r.groups for rule in g.rules if std.objectHas(rule, 'alert')];
  |||
    # Generated from alerts/mixin (config.libsonnet holds every threshold, duration and the job
    # selector; alerts.libsonnet explains each rule). Do not edit by hand: change the mixin and
    # regenerate with
    #   mvn -q test -Dtest=RulesMixinDriftTest -Dregenerate=true
    # or render your own values with alerts/mixin/render.jsonnet (see the README, "Alerts").
  ||| + std.foldl(function(yaml, name) std.strReplace(yaml, 'alert: "' + name + '"\n', 'alert: ' + name + '\n'),
                  names,
                  std.manifestYamlDoc(r, indent_array_in_object=true, quote_keys=false))
