package io.dmexporter.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns alerts/dm-exporter.rules.yml into the Prometheus Operator's PrometheusRule resource, so
 * Kubernetes users get exactly the rules that promtool tests. Run through PrometheusRuleDriftTest
 * with -Dregenerate=true to rewrite deploy/kubernetes/prometheusrule.yaml.
 */
final class PrometheusRuleGenerator extends GeneratedManifest {
  static final String RULES = "alerts/dm-exporter.rules.yml";
  static final String OUTPUT = "deploy/kubernetes/prometheusrule.yaml";
  static final String REGENERATE =
      "mvn -q test -Dtest=PrometheusRuleDriftTest -Dregenerate=true";

  PrometheusRuleGenerator(RepoFiles repo) {
    super(repo, RULES, OUTPUT, REGENERATE);
  }

  @Override
  String notes() {
    return """
        Prometheus Operator selects rules by label (ruleSelector): add the labels your
        Prometheus resource expects, e.g. release: <helm release> for kube-prometheus-stack.""";
  }

  /** The PrometheusRule resource holding the rule file's groups unchanged. */
  @Override
  ObjectNode resource() {
    JsonNode rules = repo.yaml(RULES);
    ObjectNode resource = skeleton("monitoring.coreos.com/v1", "PrometheusRule", "dm-exporter", "alerting-rules");
    resource.putObject("spec").set("groups", rules.path("groups"));
    return resource;
  }
}
