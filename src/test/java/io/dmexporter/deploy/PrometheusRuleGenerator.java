package io.dmexporter.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * Turns alerts/dm-exporter.rules.yml into the Prometheus Operator's PrometheusRule resource, so
 * Kubernetes users get exactly the rules that promtool tests. Run through PrometheusRuleDriftTest
 * with -Dregenerate=true to rewrite deploy/kubernetes/prometheusrule.yaml.
 */
final class PrometheusRuleGenerator {
  static final String RULES = "alerts/dm-exporter.rules.yml";
  static final String OUTPUT = "deploy/kubernetes/prometheusrule.yaml";
  static final String REGENERATE =
      "mvn -q test -Dtest=PrometheusRuleDriftTest -Dregenerate=true";

  private static final ObjectMapper WRITER = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .build());

  private final RepoFiles repo;

  PrometheusRuleGenerator(RepoFiles repo) {
    this.repo = repo;
  }

  /** The PrometheusRule resource holding the rule file's groups unchanged. */
  ObjectNode resource() {
    JsonNode rules = repo.yaml(RULES);
    ObjectNode resource = WRITER.createObjectNode();
    resource.put("apiVersion", "monitoring.coreos.com/v1");
    resource.put("kind", "PrometheusRule");
    ObjectNode metadata = resource.putObject("metadata");
    metadata.put("name", "dm-exporter");
    ObjectNode labels = metadata.putObject("labels");
    labels.put("app.kubernetes.io/name", "dm-exporter");
    labels.put("app.kubernetes.io/component", "alerting-rules");
    resource.putObject("spec").set("groups", rules.path("groups"));
    return resource;
  }

  String render() {
    try {
      return "# Generated from " + RULES + " - do not edit by hand. Regenerate with:\n"
          + "#   " + REGENERATE + "\n"
          + "# Prometheus Operator selects rules by label (ruleSelector): add the labels your\n"
          + "# Prometheus resource expects, e.g. release: <helm release> for kube-prometheus-stack.\n"
          + WRITER.writeValueAsString(resource());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void write() {
    try {
      Files.writeString(repo.path(OUTPUT), render());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
